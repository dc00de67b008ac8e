/**
 * MonthlyCycle step "Rate usage and prepare the bill" (architecture §4); sending is in send-bill.ts, which
 * does not bundle the usage reader (ADR 0051). It is safe to run twice: a conditional write decides whether it happens, and emails go through the outbox.
 */

import { awsConfig } from "../../adapters/aws-config";
import { now } from "../../adapters/clock";
import { sendEmail } from "../../adapters/mailer";
import {
  appendAuditEvent,
  type CycleRecord,
  countBillOnce,
  createCycleAndGet,
  findCycle,
  getContract,
  noteCarry,
  putChargeAndGet,
} from "../../adapters/repository";
import { openUsage, usageFilePresent } from "../../adapters/usage-store";
import type { Contract } from "../../core/contract";
import { billDue } from "../../core/deadlines";
import { type Carried, changesCarries } from "../../core/ledger";
import { formatFen, moneyFromFen, moneyToFen, parseMoney, parseYuanToFen } from "../../core/money";
import { expectedUsageFiles, rateUsage } from "../../core/rating";
import { type MonthFindings, monthFindings } from "../../core/sms-governance/month-findings";
import { type Statement, statementSchema } from "../../core/statement";
import { atTimeOfDay, formatInstant as instant } from "../../core/time";
import { DEFAULT_USAGE_HOLD_LAST_WORKING_DAY, USAGE_CHECK_TIME, usageHold } from "../../core/usage-hold";
import * as emails from "../email-views";
import { deadlineRules } from "../rules";
import { carriesForBill } from "./carries";
import { monthComplianceCheck } from "./compliance";

// --- Rate usage and prepare the bill (R-PRICE-1..3, R-SMS-1, R-TRIAL-1, R-UPLINK-1, R-RECON-4) --------

export async function prepareBill(input: { contractId: string; period: string }) {
  const existing = await findCycle(input.contractId, input.period);
  if (existing) {
    // A crash after the bill was written but before its audit event: the retry finishes the step.
    await appendAuditEvent(
      {
        contractId: input.contractId,
        period: input.period,
        who: "system",
        what: `bill prepared: total ${formatFen(existing.billTotalFen)}`,
        rule: "R-BILL-1",
        details: { billId: existing.billId },
      },
      `bill-prepared#${input.period}`,
    );
    await countBillOnce(input.contractId, input.period, existing.billTotalFen);
    await warnMissingUsage(existing);
    return billSummary(existing);
  }
  const record = await getContract(input.contractId);
  const contract = record.contract;
  const held = await holdForMissingUsage(contract, input.period);
  if (held) return held;
  // ADR 0010: the bill carries what the ledger has not billed yet (agreed differences, credits). Its closed
  // carry inbox fixes what (ADR 0097), and the charge entry records it; a concurrent or retried run re-rates
  // with the same.
  const chargeId = `${input.period}#charge`;
  const pending = await carriesForBill(record, input.period);
  // R-END-1: once the contract has ended, its last day bounds what this bill may charge.
  const lastDay = record.status === "ended" ? record.endedOn : undefined;
  let { statement, compliance } = await rateWith(contract, input.period, pending, lastDay);
  const charge = await putChargeAndGet(input.contractId, {
    entryId: chargeId,
    period: input.period,
    kind: "charge",
    amountFen: moneyToFen(parseMoney(statement.total)),
    at: instant(now()),
    recordedAt: instant(now()),
    who: "system",
    carried: pending,
  });
  if (charge && !sameCarries(charge.carried ?? [], pending)) {
    ({ statement, compliance } = await rateWith(contract, input.period, charge.carried ?? [], lastDay));
  }
  // R-PAY-1 (ADR 0097): a negative bill is a credit the next bill carries; noted from the charge as stored,
  // also by a retry after a crash before the note.
  if (charge && changesCarries(charge)) await noteCarry(input.contractId, charge);
  const due = billDue(input.period, deadlineRules(contract));
  const cycle: CycleRecord = {
    contractId: input.contractId,
    period: input.period,
    billId: `${input.contractId}-${input.period}`,
    billTotalFen: parseYuanToFen(statement.total, "any"),
    billDue: due.at,
    billDueProvisional: due.provisional,
    statement,
    compliance,
    lastPeriod:
      record.status === "ended" && record.endedOn !== undefined && record.endedOn.startsWith(input.period),
  };
  const prepared = await createCycleAndGet(cycle, contract.rules.billingDataRetentionMonths.value);
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "system",
      what: `bill prepared: total ${formatFen(prepared.billTotalFen)}`,
      rule: "R-BILL-1",
      details: { billId: prepared.billId, rejectedRecords: statement.rejectedCount },
    },
    `bill-prepared#${input.period}`,
  );
  // R-BUDGET-1 (ADR 0054): the contract's billed total counts this bill once, keyed by its period.
  await countBillOnce(input.contractId, input.period, prepared.billTotalFen);
  await warnMissingUsage(prepared);
  return billSummary(prepared);
}

/**
 * R-BILL-1 (ADR 0044; clauses 4.5 and 4.6): an expected usage file not in the bucket holds the bill until it
 * arrives or until the last working day the bill may wait; the workflow looks again at `recheckAt`. Party B's
 * contact is told on the first day (outbox key), and the hold is audited once.
 */
async function holdForMissingUsage(contract: Contract, period: string) {
  const expected = expectedUsageFiles(contract);
  const present = await Promise.all(
    expected.map((file) => usageFilePresent(contract.contractId, period, file)),
  );
  const missing = expected.filter((_, i) => !present[i]);
  const hold = usageHold({
    period,
    missing,
    now: now(),
    lastWorkingDay: contract.rules.usageHoldLastWorkingDay?.value ?? DEFAULT_USAGE_HOLD_LAST_WORKING_DAY,
    billDueWorkingDays: deadlineRules(contract).billDueWorkingDays,
  });
  if (!hold.hold) return undefined;
  await sendEmail({
    contractId: contract.contractId,
    emailKey: `usage-held#${period}`,
    to: [contract.parties.partyB.contact.email],
    ...emails.usageHeld(
      contract,
      { period, missing, lastBillingDay: hold.lastBillingDay, checkTime: USAGE_CHECK_TIME },
      awsConfig().usageBucket,
    ),
  });
  await appendAuditEvent(
    {
      contractId: contract.contractId,
      period,
      who: "system",
      what: `bill held for the missing usage file(s) ${missing.join(", ")}: checked each working day until ${hold.lastBillingDay}`,
      rule: "R-BILL-1",
      // What the console lists as waiting (functions/app/console-model.ts): the files and the last check.
      details: {
        missingUsage: missing,
        lastCheckAt: instant(atTimeOfDay(hold.lastBillingDay, USAGE_CHECK_TIME)),
      },
    },
    `usage-held#${period}`,
  );
  return { contractId: contract.contractId, period, held: true, recheckAt: hold.recheckAt };
}

/**
 * A usage file the contract calls for was not there: the bill (which says so) goes out on time, and Party B's
 * contact is told which file is missing and where it belongs — once per period (outbox key), also on a retry
 * (ADR 0027).
 */
async function warnMissingUsage(cycle: CycleRecord): Promise<void> {
  const missing = statementSchema.parse(cycle.statement).missingUsage ?? [];
  if (missing.length === 0) return;
  const { contract } = await getContract(cycle.contractId);
  await sendEmail({
    contractId: cycle.contractId,
    emailKey: `usage-missing#${cycle.period}`,
    to: [contract.parties.partyB.contact.email],
    ...emails.usageMissing(contract, cycle, awsConfig().usageBucket),
  });
}

const CARRY_LINE = {
  adjustment: { description: "对账差异调整", rule: "R-RECON-4" },
  credit: { description: "多付款结转", rule: "R-PAY-1" },
} as const;

/**
 * The month's statement and its compliance findings from one read and one parse of each usage file (ADR
 * 0087): each record goes to the rating and then to the check.
 */
async function rateWith(
  contract: Contract,
  period: string,
  carried: readonly Carried[],
  contractLastDay: string | undefined,
): Promise<{ statement: Statement; compliance: MonthFindings }> {
  const [voice, sms, check] = await Promise.all([
    openUsage(contract.contractId, period, "voice"),
    openUsage(contract.contractId, period, "sms"),
    monthComplianceCheck(contract, period),
  ]);
  const received = { voice: voice !== undefined, sms: sms !== undefined };
  const statement = await rateUsage({
    contract,
    period,
    ...(voice ? { voice } : {}),
    ...(sms ? { sms } : {}),
    missingUsage: expectedUsageFiles(contract).filter((file) => !received[file]),
    ...(contractLastDay === undefined ? {} : { contractLastDay }),
    adjustments: carried.map((c) => ({
      ...CARRY_LINE[c.kind],
      amount: moneyFromFen(c.amountFen),
      fromPeriod: c.sourcePeriod,
    })),
    alsoVisit: { voice: check.voice, sms: check.sms },
  });
  return { statement, compliance: monthFindings(check.report()) };
}

const sameCarries = (a: readonly Carried[], b: readonly Carried[]) =>
  a.length === b.length &&
  a.every(
    (c, i) =>
      c.kind === b[i]?.kind && c.sourcePeriod === b[i]?.sourcePeriod && c.amountFen === b[i]?.amountFen,
  );

function billSummary(cycle: CycleRecord) {
  return {
    contractId: cycle.contractId,
    period: cycle.period,
    held: false,
    recheckAt: null,
    billId: cycle.billId,
    billTotal: formatFen(cycle.billTotalFen),
    billDue: cycle.billDue,
    lastPeriod: cycle.lastPeriod,
  };
}
