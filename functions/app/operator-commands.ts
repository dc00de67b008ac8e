/**
 * Every `ops` command that writes, as the operator function runs it (ADR 0038) — all but
 * `purge-personal-data`, which runs in a function of its own (ADR 0083, functions/app/personal-data.ts).
 */
import * as z from "zod";
import { now } from "../adapters/clock";
import { officialYearSchema } from "../core/calendar";
import { CHANGE_ACTIONS } from "../core/changes";
import { contractSchema } from "../core/contract";
import { KNOWN_SERVICES } from "../core/contract/services";
import { DELIVERY_METHODS, DELIVERY_REGIONS } from "../core/notices";
import { TICKET_KINDS } from "../core/service-levels";
import { shanghaiDateOf } from "../core/time";
import { recordBreachAnswer, recordBreachNotice, recordForceMajeure } from "./breach-register";
import { applyCalendarYear } from "./calendar-apply";
import { putContractUnderWatch } from "./contracts";
import { recordAgreedAmount, recordInvoice, recordNotice, resendEmail } from "./operations";
import { command } from "./operator-request";
import { recordBankChange, recordContactChange } from "./party-changes";
import { correctEntry, recordPayment } from "./payments";
import { recordReconciliationByPerson } from "./reconciliation-decision";
import { recordTariffAdjustment, requestServiceChange } from "./service-changes";
import { closeTicket, openTicket } from "./tickets";

const text = z.string().min(1);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");
/** An instant travels as ISO text (JSON has no dates) and becomes a Date again here. */
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const cycleInput = { contractId: text, period: text };
const party = z.enum(["partyA", "partyB"]);

const results = {
  cycle: z.object({ workflow: z.string() }),
  ticket: z.object({
    ticketId: z.string(),
    kind: z.string(),
    openedAt: z.string(),
    dueAt: z.string().nullable().optional(),
    party: z.string(),
  }),
  /** R-CHANGE-1 (4.10), 3.11: a dated price version of a service. */
  priceVersion: z.object({
    service: z.string(),
    unitPrice: z.string().nullable().optional(),
    requestedOn: z.string(),
    confirmedByPartyBOn: z.string(),
    effectiveFrom: z.string(),
    changed: z.boolean(),
  }),
};

/** R-BREACH-1 (clause 5.1): the breaching party's written answer, a cure or an objection. */
function breachAnswer(answer: "cure" | "objection") {
  return command({
    input: z.strictObject({ contractId: text, breachId: text, on: day }),
    output: z.object({
      breachId: z.string(),
      state: z.string(),
      cureDeadline: z.string().nullable().optional(),
      late: z.boolean().optional(),
      next: z.string(),
    }),
    run: (input) => recordBreachAnswer({ ...input, answer }),
  });
}

export const operatorCommands = {
  "record-payment": command({
    input: z.strictObject({ ...cycleInput, amount: text, date: text, account: text.optional() }),
    output: z.object({
      entry: z.string(),
      paidAt: z.string(),
      amount: z.string(),
      billTotal: z.string(),
      paid: z.string(),
      outstanding: z.string(),
      creditCarried: z.string(),
      late: z.boolean(),
      invoiceDue: z.string().nullable(),
      workflow: z.string(),
      message: z.string(),
      account: z
        .looseObject({ paidInto: z.string(), inForce: z.string().nullable(), notInForce: z.boolean() })
        .optional(),
    }),
    run: recordPayment,
  }),
  "record-invoice": command({
    input: z.strictObject({ ...cycleInput, number: text, date: text.optional() }),
    output: results.cycle.extend({
      invoiceNumber: z.string(),
      invoicedAt: z.string(),
      late: z.boolean(),
      email: z.enum(["sent", "queued"]),
    }),
    run: recordInvoice,
  }),
  "record-agreed": command({
    input: z.strictObject({ ...cycleInput, agreed: text }),
    output: results.cycle.extend({
      billTotal: z.string(),
      agreedAmount: z.string(),
      adjustment: z.string(),
      carriedTo: z.string(),
    }),
    run: recordAgreedAmount,
  }),
  "record-reconciliation": command({
    input: z.strictObject({
      ...cycleInput,
      decision: text,
      source: text,
      amount: text.optional(),
      date: text.optional(),
    }),
    output: z.object({
      period: z.string(),
      billTotal: z.string(),
      partyAAmount: z.string(),
      outcome: z.string(),
      difference: z.string(),
      source: z.string(),
    }),
    run: recordReconciliationByPerson,
  }),
  correct: command({
    input: z.strictObject({ ...cycleInput, entry: text, reason: text }),
    output: z.object({
      entry: z.string(),
      reverses: z.string(),
      kind: z.string(),
      amount: z.string(),
      paid: z.string(),
      outstanding: z.string(),
      reason: z.string(),
    }),
    run: correctEntry,
  }),
  resend: command({
    input: z.strictObject({ ...cycleInput, email: text }),
    output: z.object({ emailKey: z.string(), sent: z.boolean() }),
    run: resendEmail,
  }),
  "record-notice": command({
    input: z.strictObject({
      contractId: text,
      kind: z.enum(["non-renewal", "termination"]),
      method: text,
      region: text.nullable(),
      dispatched: text,
      term: z.number().int().min(1).optional(),
      end: day.optional(),
    }),
    output: z.object({
      term: z.number(),
      kind: z.string(),
      method: z.string(),
      region: z.string().nullable().optional(),
      dispatched: z.string(),
      deemedDeliveredOn: z.string(),
      deadline: z.string(),
      inTime: z.boolean(),
      contractEndsOn: z.string().nullable().optional(),
      undid: z.string().nullable().optional(),
    }),
    run: recordNotice,
  }),
  "record-breach-notice": command({
    input: z.strictObject({
      contractId: text,
      breachId: text,
      method: z.enum(DELIVERY_METHODS),
      region: z.enum(DELIVERY_REGIONS).nullable(),
      sentOn: day,
      rule: text.optional(),
      party: z.enum(["A", "B"]).optional(),
      what: text.optional(),
    }),
    output: z.object({
      breachId: z.string(),
      rule: z.string(),
      party: z.string(),
      method: z.string(),
      region: z.string().nullable().optional(),
      sentOn: z.string(),
      receivedOn: z.string(),
      cureDeadline: z.string(),
    }),
    run: recordBreachNotice,
  }),
  "record-cure": breachAnswer("cure"),
  "record-objection": breachAnswer("objection"),
  "record-force-majeure": command({
    input: z.strictObject({
      contractId: text,
      from: day,
      to: day.nullable(),
      what: text,
      negotiationRequestedOn: day.nullable(),
    }),
    output: z.object({
      from: z.string(),
      to: z.string().nullable(),
      daysLasted: z.number(),
      negotiationOpensOn: z.string(),
      negotiationEndsOn: z.string().nullable().optional(),
      terminationRightFrom: z.string().nullable().optional(),
    }),
    // R-FM-1: the event is judged as of the operator function's day, the day it is recorded.
    run: (input) => recordForceMajeure({ ...input, asOf: shanghaiDateOf(now()) }),
  }),
  "open-ticket": command({
    input: z.strictObject({
      contractId: text,
      kind: z.enum(TICKET_KINDS),
      openedAt: instant,
      what: text,
      ticketId: text.optional(),
    }),
    output: results.ticket,
    run: openTicket,
  }),
  "close-ticket": command({
    input: z.strictObject({
      contractId: text,
      ticketId: text,
      closedAt: instant,
      travelMinutes: z.number().int().min(0),
    }),
    output: results.ticket.extend({ closedAt: z.string(), standing: z.string() }),
    run: closeTicket,
  }),
  "record-bank-change": command({
    input: z.strictObject({
      contractId: text,
      party,
      account: z.strictObject({
        accountName: text,
        bank: text,
        accountNumber: z.string().regex(/^\d{8,32}$/, "expected an account number of 8–32 digits"),
        bankCode: z
          .string()
          .regex(/^\d{12}$/)
          .optional(),
      }),
      notifiedOn: day,
    }),
    output: z.object({
      bank: z.string(),
      account: z.string(),
      notifiedOn: z.string(),
      effectiveFrom: z.string(),
    }),
    run: recordBankChange,
  }),
  "record-contact-change": command({
    input: z.strictObject({
      contractId: text,
      party,
      change: z.strictObject({ name: text.optional(), phone: text.optional(), email: text.optional() }),
      notifiedOn: day,
    }),
    output: z.object({
      contact: z.object({ name: z.string(), phone: z.string(), email: z.string() }),
      notifiedOn: z.string(),
      effectiveFrom: z.string(),
    }),
    run: recordContactChange,
  }),
  "request-change": command({
    input: z.strictObject({
      contractId: text,
      service: z.enum(KNOWN_SERVICES),
      action: z.enum(CHANGE_ACTIONS),
      unitPrice: text.optional(),
      requestedOn: day,
      confirmedByPartyBOn: day.optional(),
    }),
    output: results.priceVersion.extend({ action: z.string() }),
    run: requestServiceChange,
  }),
  "record-tariff-adjustment": command({
    input: z.strictObject({
      contractId: text,
      unitPrice: text,
      notifiedOn: day,
      agreedOn: day,
      effectiveFrom: day,
    }),
    output: results.priceVersion,
    run: recordTariffAdjustment,
  }),
  "load-contract": command({
    input: z.strictObject({ contract: contractSchema }),
    output: z.object({
      contractId: z.string(),
      registered: z.boolean(),
      renewalWatchStarted: z.boolean(),
    }),
    run: (input) => putContractUnderWatch(input.contract),
  }),
  "calendar-apply": command({
    input: z.strictObject({ year: officialYearSchema, dryRun: z.boolean() }),
    output: z.object({
      year: z.number(),
      dryRun: z.boolean(),
      source: z.string(),
      contracts: z.array(
        z.object({
          contractId: z.string(),
          moves: z.array(
            z.object({
              period: z.string(),
              name: z.string(),
              rule: z.string(),
              from: z.string(),
              to: z.string(),
            }),
          ),
          rearmed: z.array(z.string()),
          emailed: z.boolean(),
        }),
      ),
    }),
    run: applyCalendarYear,
  }),
};

export type OperatorCommandName = keyof typeof operatorCommands;

/** What the CLI sends: the input as JSON carries it (an instant as text, R-… values as typed). */
export type OperatorCommandInput<Name extends OperatorCommandName> = z.input<
  (typeof operatorCommands)[Name]["input"]
>;
export type OperatorCommandResult<Name extends OperatorCommandName> = z.output<
  (typeof operatorCommands)[Name]["output"]
>;
