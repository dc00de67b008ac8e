/**
 * Party B's staff in a run: they record what the scenario says — a person's reconciliation decision,
 * payments, VAT invoices, agreed amounts, written notices, corrections, resends — through the operator
 * function's URL as the `ops` command line does (ADR 0038), with the values as an operator would type them. A value the operation refuses is logged as
 * refused with its one-line reason, exactly as `ops` prints it, and the run goes on.
 */
import { operatorWrite } from "../../bin/ops/_operator-client";
import { InputError } from "../../bin/ops/cli-kit";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { ledgerEntries } from "../../functions/adapters/repository";
import { OperationRejectedError } from "../../functions/app/operations";
import type {
  OperatorCommandInput,
  OperatorCommandName,
  OperatorCommandResult,
} from "../../functions/app/operator-commands";
import { inForce } from "../../functions/core/ledger";
import { parseYuanToFen } from "../../functions/core/money";
import { atTimeOfDay, formatInstant } from "../../functions/core/time";
import type { EmbeddedApp } from "./app";
import { postOverNodeHttp } from "./operator-post";
import { workingDayMorning } from "./party-a";
import type { ObligationCommand } from "./scenario/obligation-events";
import { type PeriodPlan, resolveFigure } from "./scenario/plan";
import type { CorrectionScenario, NoticeScenario } from "./scenario/schema";

export interface OperationLogEntry {
  at: string;
  operation:
    | "record-payment"
    | "record-invoice"
    | "record-agreed"
    | "record-reconciliation"
    | "record-notice"
    | "correct"
    | "resend"
    | ObligationCommand;
  period: string | null;
  input: Record<string, string | number | null>;
  outcome: "done" | "refused";
  /** The refusal's one line, or what the operation said it did. */
  detail: string;
}

/** One write through the operator function; its refusal is the operation's, as `ops` prints it. */
async function write<Name extends OperatorCommandName>(
  command: Name,
  input: OperatorCommandInput<Name>,
): Promise<OperatorCommandResult<Name>> {
  try {
    // Posted over node:http as fetch would post it, without loading undici for it (ADR 0115).
    return (await operatorWrite(command, input, postOverNodeHttp)).result;
  } catch (error) {
    if (error instanceof InputError) throw new OperationRejectedError(error.message, { cause: error });
    throw error;
  }
}

/** A port nothing listens on: SES calls fail as they do when SES refuses (ADR 0012's outbox case). */
const SES_DOWN = "http://127.0.0.1:9";

export class PartyBStaff {
  readonly log: OperationLogEntry[] = [];
  private invoiceNumber = 26_220_000_001;

  constructor(
    private readonly app: EmbeddedApp,
    private readonly contractId: string,
  ) {}

  private at(instant: Date, run: () => Promise<void>): void {
    // An operation is never performed before the moment it is planned for is reached on the clock.
    const when = Math.max(instant.getTime(), this.app.clock.now().getTime() + 60_000);
    this.app.clock.schedule(new Date(when), run);
  }

  private async perform(
    operation: OperationLogEntry["operation"],
    period: string | null,
    input: OperationLogEntry["input"],
    body: () => Promise<string>,
  ): Promise<boolean> {
    const at = formatInstant(this.app.clock.now());
    try {
      const detail = await body();
      this.log.push({ at, operation, period, input, outcome: "done", detail });
      return true;
    } catch (error) {
      if (!(error instanceof OperationRejectedError)) throw error;
      this.log.push({ at, operation, period, input, outcome: "refused", detail: error.message });
      return false;
    }
  }

  /** What the staff will do for a period, planned when its statement reaches Party A. */
  onStatement(bill: {
    period: string;
    billTotal: string;
    received: Date;
    plan: PeriodPlan;
    disputedAt?: Date;
  }) {
    const { contractId } = this;
    const { period, billTotal, received, plan } = bill;
    let disputedAt = bill.disputedAt;
    const decision = plan.decision;
    if (decision) {
      const decidedAt = workingDayMorning(received, decision.workingDay);
      if (decision.decision === "disputed") disputedAt ??= decidedAt;
      const amount = decision.amount === undefined ? undefined : resolveFigure(decision.amount, billTotal);
      this.at(decidedAt, async () => {
        const input = { decision: decision.decision, amount: amount ?? null, source: decision.source };
        await this.perform("record-reconciliation", period, input, async () => {
          const result = await write("record-reconciliation", {
            contractId,
            period,
            decision: decision.decision,
            ...(amount !== undefined ? { amount } : {}),
            source: decision.source,
          });
          return `${result.outcome}: Party A's figure ${result.partyAAmount} against ${result.billTotal}`;
        });
      });
    }
    if (plan.agreed && disputedAt) {
      const agreed = resolveFigure(plan.agreed.amount, billTotal);
      this.at(workingDayMorning(disputedAt, plan.agreed.workingDay), async () => {
        await this.perform("record-agreed", period, { agreed }, async () => {
          const result = await write("record-agreed", { contractId, period, agreed });
          return `adjustment ${result.adjustment} carried to ${result.carriedTo}`;
        });
      });
    }
    let lastPaymentAt: Date | undefined;
    for (const payment of plan.payments) {
      const amount = resolveFigure(payment.amount, billTotal);
      // R-TRIAL-1: a bill of 0.00 or below is for information; "the bill" is nothing to pay.
      if (payment.amount === "bill" && parseYuanToFen(billTotal, "any") <= 0n) continue;
      const paidAt = payment.date
        ? atTimeOfDay(payment.date, "10:00")
        : workingDayMorning(received, payment.workingDay ?? 6);
      const date = payment.date ?? formatInstant(paidAt);
      const recordedAt = payment.recorded ? atTimeOfDay(payment.recorded, "10:00") : paidAt;
      // The invoice follows the last payment listed: the one meant to clear the bill (R-INV-1).
      lastPaymentAt = paidAt;
      this.at(recordedAt, async () => {
        await this.perform("record-payment", period, { amount, date }, async () => {
          const result = await write("record-payment", { contractId, period, amount, date });
          return `${result.entry}: ${result.message}`;
        });
      });
    }
    const invoice = plan.invoice;
    if (!invoice || !lastPaymentAt) return;
    const invoicedAt = invoice.date
      ? atTimeOfDay(invoice.date, "10:00")
      : workingDayMorning(lastPaymentAt, invoice.workingDay ?? 3);
    const number = invoice.number ?? String(this.invoiceNumber++);
    this.at(invoicedAt, async () => {
      const recorded = await this.perform("record-invoice", period, { number }, async () => {
        const result =
          invoice.email === "fails"
            ? await withSesDown(() => write("record-invoice", { contractId, period, number }))
            : await write("record-invoice", { contractId, period, number });
        return `invoice ${number} recorded; email ${result.email}`;
      });
      if (recorded && invoice.resendWorkingDay !== undefined) {
        this.at(workingDayMorning(this.app.clock.now(), invoice.resendWorkingDay), async () => {
          await this.perform("resend", period, { email: "invoice" }, async () => {
            const result = await write("resend", { contractId, period, email: "invoice" });
            return `${result.emailKey} sent`;
          });
        });
      }
    });
  }

  /** Written notices (R-NOTICE-1/2) are recorded on the day the staff have them, by default the dispatch day. */
  planNotice(notice: NoticeScenario): void {
    const { contractId } = this;
    this.at(atTimeOfDay(notice.recorded ?? notice.dispatched, "10:00"), async () => {
      const input = {
        kind: notice.kind,
        by: notice.by,
        method: notice.method,
        region: notice.region ?? null,
        dispatched: notice.dispatched,
        ...(notice.end === undefined ? {} : { end: notice.end }),
      };
      await this.perform("record-notice", null, input, async () => {
        const result = await write("record-notice", {
          contractId,
          kind: notice.kind,
          method: notice.method,
          region: notice.region ?? null,
          dispatched: notice.dispatched,
          ...(notice.end === undefined ? {} : { end: notice.end }),
        });
        return `term ${result.term}: deemed delivered ${result.deemedDeliveredOn}, ${result.inTime ? "in time" : "too late"} (deadline ${result.deadline})${result.contractEndsOn ? `; the contract ends ${result.contractEndsOn}` : ""}`;
      });
    });
  }

  /** An operation of the obligation registers (infra/local/obligation-staff.ts), logged like the others. */
  planOperation(
    instant: Date,
    operation: ObligationCommand,
    input: OperationLogEntry["input"],
    body: () => Promise<string>,
  ): void {
    this.at(instant, async () => {
      await this.perform(operation, null, input, body);
    });
  }

  /** `ops correct`: the operator looks the entry up (as `ops history` lists it) and reverses it. */
  planCorrection(correction: CorrectionScenario): void {
    const { contractId } = this;
    this.at(atTimeOfDay(correction.date, "10:00"), async () => {
      const entry =
        correction.entry === "payment" || correction.entry === "agreed-difference"
          ? latestInForce(await ledgerEntries(contractId), correction.period, correction.entry)
          : correction.entry;
      await this.perform(
        "correct",
        correction.period,
        { entry: entry ?? correction.entry, reason: correction.reason },
        async () => {
          const result = await write("correct", {
            contractId,
            period: correction.period,
            entry: entry ?? correction.entry,
            reason: correction.reason,
          });
          return `${result.reverses} (${result.kind} ${result.amount}) reversed; outstanding ${result.outstanding}`;
        },
      );
    });
  }
}

function latestInForce(
  entries: Awaited<ReturnType<typeof ledgerEntries>>,
  period: string,
  kind: "payment" | "agreed-difference",
): string | undefined {
  return inForce(entries)
    .filter((e) => e.period === period && e.kind === kind)
    .map((e) => e.entryId)
    .sort()
    .at(-1);
}

async function withSesDown<T>(body: () => Promise<T>): Promise<T> {
  const endpoint = process.env.CONTRACT_OPS_SES_ENDPOINT;
  process.env.CONTRACT_OPS_SES_ENDPOINT = SES_DOWN;
  resetAwsClients();
  try {
    return await body();
  } finally {
    if (endpoint === undefined) delete process.env.CONTRACT_OPS_SES_ENDPOINT;
    else process.env.CONTRACT_OPS_SES_ENDPOINT = endpoint;
    resetAwsClients();
  }
}
