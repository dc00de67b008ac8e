/**
 * Party A and Party B's staff for `npm run bench:scale`, through the channels `npm start` uses: the
 * contact reads each new statement in the SES mailbox twice a working day and confirms it by email
 * through the local SMTP server; staff record the payment and the VAT invoice with the `ops`
 * operations. One simulator serves every contract (the statement's subject names it), and it reads
 * only the mail that arrived since its last look.
 */
import nodemailer from "nodemailer";
import { recordInvoice, recordPayment } from "../functions/app/operations";
import type { Contract } from "../functions/core/contract";
import { addDays, atTimeOfDay, shanghaiDateOf } from "../functions/core/time";
import type { EmbeddedApp } from "../infra/local/app";
import { workingDayMorning } from "../infra/local/party-a";
import {
  DEFAULT_INVOICE_WORKING_DAY,
  DEFAULT_PAYMENT_WORKING_DAY,
  DEFAULT_REPLY_WORKING_DAY,
} from "../infra/local/scenario/plan";

const STATEMENT = /^(\d{4})年(\d{1,2})月账单｜合同 (\S+)｜结算总金额 (-?[\d,]+\.\d{2}) 元/;

export class ScaleParties {
  private seen = 0;
  private looking: Promise<void> = Promise.resolve();
  private staffQueue: Promise<void> = Promise.resolve();
  private invoiceNumber = 26_220_000_001;
  private readonly transport;
  /** Operations that were refused, by message: a correct run has none. */
  readonly refused = new Map<string, number>();

  constructor(
    private readonly app: EmbeddedApp,
    private readonly contract: Contract,
  ) {
    const { host, port } = app.stack.endpoints.smtp;
    // A few pooled connections, as a mail client sends: a reply per contract opened at one virtual instant
    // would be a thousand SMTP connections at once, which the one-process server cannot greet in time.
    this.transport = nodemailer.createTransport({
      host,
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 5,
    });
  }

  start(from: Date, until: Date): void {
    for (let day = shanghaiDateOf(from); day <= shanghaiDateOf(until); day = addDays(day, 1)) {
      for (const time of ["10:30", "15:00"]) {
        const at = atTimeOfDay(day, time);
        if (at.getTime() >= from.getTime() && at.getTime() <= until.getTime())
          this.app.clock.schedule(at, () => {
            this.looking = this.looking.then(() => this.readInbox());
            return this.looking;
          });
      }
    }
  }

  close(): void {
    this.transport.close();
  }

  private async readInbox(): Promise<void> {
    const contact = this.contract.parties.partyA.contact;
    const emails = await this.app.stack.sentEmails({ skip: this.seen, bodies: false });
    this.seen += emails.length;
    for (const email of emails) {
      const match = email.to.includes(contact.email) ? STATEMENT.exec(email.subject) : null;
      const replyTo = email.replyTo[0];
      if (!match || !replyTo) continue;
      const [, year, month, contractId, totalText] = match as unknown as string[];
      const period = `${year}-${String(month).padStart(2, "0")}`;
      const amount = String(totalText).replaceAll(",", "");
      const received = this.app.clock.now();
      // The reply waits days of virtual time: it keeps the subject and the Message-ID, not the statement
      // (its HTML and text were about 36 KB per contract held until then).
      const { subject, messageId } = email;
      this.app.clock.schedule(workingDayMorning(received, DEFAULT_REPLY_WORKING_DAY), async () => {
        await this.transport.sendMail({
          from: { name: contact.name, address: contact.email },
          to: replyTo,
          subject: `回复：${subject}`,
          inReplyTo: messageId,
          references: [messageId],
          date: this.app.clock.now(),
          text: `确认，本期账单核对无误。\n\n${contact.name}\n`,
        });
      });
      // R-TRIAL-1: a bill of 0.00 or less is for information; nothing to pay or invoice.
      if (!/[1-9]/.test(amount) || amount.startsWith("-")) continue;
      const paidAt = workingDayMorning(received, DEFAULT_PAYMENT_WORKING_DAY);
      this.app.clock.schedule(paidAt, () =>
        this.perform(() =>
          recordPayment({ contractId: String(contractId), period, amount, date: paidAt.toISOString() }),
        ),
      );
      const number = String(this.invoiceNumber++);
      this.app.clock.schedule(workingDayMorning(paidAt, DEFAULT_INVOICE_WORKING_DAY), () =>
        this.perform(() => recordInvoice({ contractId: String(contractId), period, number })),
      );
    }
  }

  /**
   * Staff record one operation after another, as a person at a desk does: every contract's payment falls due at
   * the same virtual instant, and a thousand operator-function calls at once were the run's memory peak.
   */
  private perform(operation: () => Promise<unknown>): Promise<void> {
    this.staffQueue = this.staffQueue.then(async () => {
      try {
        await operation();
      } catch (error) {
        const message = (error as Error).message;
        this.refused.set(message, (this.refused.get(message) ?? 0) + 1);
      }
    });
    return this.staffQueue;
  }
}
