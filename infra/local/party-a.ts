/**
 * Party A's side of a run, played through the real channels: it reads the statements that SES delivered
 * to its contact's inbox and answers them by email through the local SMTP server (so every reply takes
 * the inbound path), and on each statement it hands Party B's staff what they will record for that period
 * (party-b-staff.ts). What each side does in which period is the scenario's plan (scenario/plan.ts).
 */
import { defaultCalendar } from "../../functions/core/calendar";
import type { Contract } from "../../functions/core/contract";
import { addDays, atTimeOfDay, shanghaiDateOf } from "../../functions/core/time";
import type { EmbeddedApp } from "./app";
import type { PartyBStaff } from "./party-b-staff";
import { type PeriodPlan, type ReplyStep, resolveFigure } from "./scenario/plan";
import type { LocalSentEmail } from "./services";

const STATEMENT_SUBJECT = /^(\d{4})年(\d{1,2})月账单｜合同 (\S+)｜结算总金额 (-?[\d,]+\.\d{2}) 元/;

/** The sentence Party A writes for each kind of reply when the scenario gives none. */
const DEFAULT_TEXT: Record<ReplyStep["kind"], string> = {
  confirm: "确认，本期账单核对无误。",
  dispute: "有异议，本期金额应为人民币{amount}元，请重新核对。",
  unclear: "账单收到，我们再看看。",
};

/** At 10:00 Asia/Shanghai of the n-th working day after `instant` (R-WD-2 counting). */
export function workingDayMorning(instant: Date, n: number): Date {
  const { date } = defaultCalendar().addWorkingDays(shanghaiDateOf(instant), n);
  return atTimeOfDay(date, "10:00");
}

export interface PartyAOptions {
  app: EmbeddedApp;
  contract: Contract;
  plan: (period: string) => PeriodPlan;
  staff: PartyBStaff;
}

export class PartyASimulator {
  /** How many sent emails the contact has looked at: the mailbox only grows, so also where to go on. */
  private seen = 0;
  /** Looks at the mailbox one after another, so two looks never take the same new emails. */
  private looking: Promise<void> = Promise.resolve();
  private readonly transport;

  constructor(private readonly options: PartyAOptions) {
    // Over SMTP, or the same bytes without a socket when the stack's clients go in-process (ADR 0089).
    this.transport = options.app.stack.mailTransport();
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
      if (statement) this.act(email, statement);
    }
  }

  private act(email: LocalSentEmail, match: RegExpExecArray): void {
    const [, year, month, , totalText] = match as unknown as [string, string, string, string, string];
    const period = `${year}-${month.padStart(2, "0")}`;
    const billTotal = totalText.replaceAll(",", "");
    const plan = this.options.plan(period);
    const { clock } = this.options.app;
    const received = clock.now();
    const replyTo = email.replyTo[0];
    let disputedAt: Date | undefined;
    for (const [index, step] of plan.replies.entries()) {
      // Several replies on one day go in the order given, a minute apart.
      const at = new Date(workingDayMorning(received, step.workingDay).getTime() + index * 60_000);
      const amount = step.amount === undefined ? "" : resolveFigure(step.amount, billTotal);
      const text = (step.text ?? DEFAULT_TEXT[step.kind]).replaceAll("{amount}", amount);
      if (step.kind === "dispute") disputedAt ??= at;
      if (replyTo) clock.schedule(at, () => this.reply(email, replyTo, text));
    }
    this.options.staff.onStatement({
      period,
      billTotal,
      received,
      plan,
      ...(disputedAt ? { disputedAt } : {}),
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
