/**
 * Party A's side of `npm start`, played through the real channels: it reads the statements that SES
 * delivered to its contact's inbox, answers them by email through the local SMTP server (so every
 * reply takes the inbound path of issue #5), and Party B's staff record payments, invoices and agreed
 * amounts through the same operations the `ops` command line runs. What each side does in which period
 * is a script, so a run shows every branch of the monthly cycle.
 */
import nodemailer from "nodemailer";
import { recordAgreedAmount, recordInvoice, recordPayment } from "../../functions/app/operations";
import { defaultCalendar } from "../../functions/core/calendar";
import type { Contract } from "../../functions/core/contract";
import { formatMoney, moneyFromFen, parseMoney } from "../../functions/core/money";
import { addDays, atTimeOfDay, shanghaiDateOf } from "../../functions/core/time";
import type { EmbeddedApp } from "./app";
import type { LocalSentEmail } from "./services";

/** What Party A does with one period's bill, and when (in working days after receiving it). */
export interface PeriodScript {
  reply:
    | { kind: "confirm"; text: string }
    /** A figure of its own: the bill total × percent / 100. */
    | { kind: "figure"; percent: bigint; text: (amount: string) => string }
    /** An unclear answer first (goes to a person), then a clear confirmation a day later. */
    | { kind: "unclear-then-confirm"; unclear: string; confirm: string }
    | { kind: "none" };
  replyAfterWorkingDays: number;
  payAfterWorkingDays: number;
  /** For a dispute beyond tolerance: the agreed figure as percent of the bill, fixed N working days later. */
  agreePercent?: bigint;
}

const confirm = (text = "确认，本期账单核对无误。"): PeriodScript["reply"] => ({ kind: "confirm", text });

/**
 * The default year: every branch of the cycle once (issue #4 §4), confirmations otherwise.
 * Index 0 is the first billed period.
 */
export function defaultScript(index: number): PeriodScript {
  switch (index) {
    case 2: // within tolerance (R-RECON-2): the bill stands
      return {
        reply: {
          kind: "figure",
          percent: 97n,
          text: (a) => `经核对，我方统计金额应为${a}元，与账单略有差异。`,
        },
        replyAfterWorkingDays: 3,
        payAfterWorkingDays: 6,
      };
    case 3: // beyond tolerance (R-RECON-3/4): re-reconciliation while payment proceeds, adjusted next period
      return {
        reply: {
          kind: "figure",
          percent: 90n,
          text: (a) => `有异议，本期金额应为人民币${a}元，请重新核对。`,
        },
        replyAfterWorkingDays: 2,
        payAfterWorkingDays: 7,
        agreePercent: 95n,
      };
    case 4: // no reply (R-RECON-5): deemed accepted after the reminder
      return { reply: { kind: "none" }, replyAfterWorkingDays: 0, payAfterWorkingDays: 8 };
    case 5: // late payment (R-PAY-1/2): overdue notice, breach, then paid
      return { reply: confirm("无异议。"), replyAfterWorkingDays: 1, payAfterWorkingDays: 14 };
    case 6: // unclear reply: a person follows up; then a clear confirmation
      return {
        reply: {
          kind: "unclear-then-confirm",
          unclear: "账单收到，我们再看看。",
          confirm: "核对无误，确认。",
        },
        replyAfterWorkingDays: 1,
        payAfterWorkingDays: 6,
      };
    default:
      return { reply: confirm(), replyAfterWorkingDays: 2, payAfterWorkingDays: 6 };
  }
}

const STATEMENT_SUBJECT = /^(\d{4})年(\d{1,2})月账单｜合同 (\S+)｜结算总金额 ([\d,]+\.\d{2}) 元/;

/** At 10:00 Asia/Shanghai of the n-th working day after `instant`. */
function workingDayMorning(instant: Date, n: number): Date {
  const { date } = defaultCalendar().addWorkingDays(shanghaiDateOf(instant), n);
  return atTimeOfDay(date, "10:00");
}

export interface PartyAOptions {
  app: EmbeddedApp;
  contract: Contract;
  firstPeriod: string;
  script?: (index: number) => PeriodScript;
}

export class PartyASimulator {
  /** How many sent emails the contact has looked at: the mailbox only grows, so also where to go on. */
  private seen = 0;
  /** Looks at the mailbox one after another, so two looks never take the same new emails. */
  private looking: Promise<void> = Promise.resolve();
  private readonly transport;
  private readonly script: (index: number) => PeriodScript;
  private invoiceNumber = 26_220_000_001;

  constructor(private readonly options: PartyAOptions) {
    this.script = options.script ?? defaultScript;
    const smtp = options.app.stack.endpoints.smtp;
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: false,
      ignoreTLS: true,
    });
  }

  /** Party A's contact opens the mailbox every working-day morning and at 15:00. */
  start(from: Date, until: Date): void {
    const { clock } = this.options.app;
    for (let day = shanghaiDateOf(from); day <= shanghaiDateOf(until); day = addDays(day, 1)) {
      for (const time of ["10:30", "15:00"]) {
        const at = atTimeOfDay(day, time);
        if (at.getTime() >= from.getTime() && at.getTime() <= until.getTime())
          clock.schedule(at, () => {
            this.looking = this.looking.then(() => this.readInbox());
            return this.looking;
          });
      }
    }
  }

  /** Emails taken from the mailbox so far; equal to the emails sent when each is read once. */
  get emailsRead(): number {
    return this.seen;
  }

  close(): void {
    this.transport.close();
  }

  private async readInbox(): Promise<void> {
    const contact = this.options.contract.parties.partyA.contact.email;
    // Only the emails that arrived since the last look: reading the whole mailbox twice a day made
    // every month of a run slower than the one before.
    const emails = await this.options.app.stack.sentEmails({ skip: this.seen });
    this.seen += emails.length;
    for (const email of emails) {
      if (!email.to.includes(contact)) continue;
      const statement = STATEMENT_SUBJECT.exec(email.subject);
      if (statement) this.plan(email, statement);
    }
  }

  private plan(email: LocalSentEmail, match: RegExpExecArray): void {
    const [, year, month, contractId, totalText] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const period = `${year}-${month.padStart(2, "0")}`;
    const total = (totalText as string).replaceAll(",", "");
    const index = monthsBetween(this.options.firstPeriod, period);
    const script = this.script(index);
    const { clock } = this.options.app;
    const received = clock.now();
    const replyTo = email.replyTo[0];
    const percentOf = (percent: bigint) =>
      formatMoney(moneyFromFen((parseMoney(total).fen * percent) / 100n));

    if (replyTo && script.reply.kind !== "none") {
      const reply = script.reply;
      const at = workingDayMorning(received, script.replyAfterWorkingDays);
      const text =
        reply.kind === "confirm"
          ? reply.text
          : reply.kind === "figure"
            ? reply.text(percentOf(reply.percent))
            : reply.unclear;
      clock.schedule(at, () => this.reply(email, replyTo, text));
      if (reply.kind === "unclear-then-confirm") {
        clock.schedule(new Date(at.getTime() + 24 * 3600_000), () =>
          this.reply(email, replyTo, reply.confirm),
        );
      }
    }
    if (script.agreePercent !== undefined) {
      const agreed = percentOf(script.agreePercent);
      clock.schedule(workingDayMorning(received, script.replyAfterWorkingDays + 3), async () => {
        await recordAgreedAmount({ contractId, period, agreed });
      });
    }
    // R-TRIAL-1: a bill of 0.00 (or below, a credit carried) is for information: nothing to pay or invoice.
    if (parseMoney(total).fen <= 0n) return;
    const paidAt = workingDayMorning(received, script.payAfterWorkingDays);
    clock.schedule(paidAt, async () => {
      await recordPayment({ contractId, period, amount: total, date: paidAt.toISOString() });
    });
    const invoicedAt = workingDayMorning(paidAt, 3);
    clock.schedule(invoicedAt, async () => {
      await recordInvoice({ contractId, period, number: String(this.invoiceNumber++) });
    });
  }

  private async reply(original: LocalSentEmail, replyTo: string, text: string): Promise<void> {
    const contact = this.options.contract.parties.partyA.contact;
    const quoted = (original.text ?? "")
      .split("\n")
      .map((line) => `> ${line}`)
      .join("\n");
    await this.transport.sendMail({
      from: { name: contact.name, address: contact.email },
      to: replyTo,
      subject: `回复：${original.subject}`,
      inReplyTo: original.messageId,
      references: [original.messageId],
      // Party A's mail client stamps its own clock: the stack's (virtual) time, never before the statement.
      date: this.options.app.clock.now(),
      text: `${text}\n\n${contact.name}\n${this.options.contract.parties.partyA.name}\n\n-----原始邮件-----\n${quoted}\n`,
    });
  }
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split("-").map(Number) as [number, number];
  const [ty, tm] = to.split("-").map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}
