/**
 * The scenario format (docs/scenarios.md): what Party A and Party B do in a run of `npm start`, as data.
 * The zod schema is the one definition; scenarios/scenario.schema.json is generated from it
 * (`npm run scenario:schema`) and a test keeps the two equal.
 */
import * as z from "zod";
import { USAGE_ENCODINGS, USAGE_ENCODINGS_TEXT } from "../../../functions/core/usage-csv/encoding";
import { obligationEvent } from "./obligation-events";

const period = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: "expected a month as YYYY-MM" })
  .describe("A billing period (R-PERIOD-1), YYYY-MM.");
const date = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: "expected a date as YYYY-MM-DD" })
  .describe("An Asia/Shanghai calendar date, YYYY-MM-DD.");
const workingDay = z
  .number({ error: "expected a whole number of working days from 0 to 30" })
  .int({ error: "expected a whole number of working days from 0 to 30" })
  .min(0, { error: "expected a whole number of working days from 0 to 30" })
  .max(30, { error: "expected a whole number of working days from 0 to 30" });

/** An amount Party A or Party B names: 2-decimal yuan, or a whole percent of the bill total. */
const figure = z
  .string()
  .regex(/^(-?\d{1,12}(\.\d{1,2})?|\d{1,3}%)$/, {
    error: 'expected yuan with at most 2 decimals ("6265.33") or a percent of the bill ("90%")',
  })
  .describe('Yuan with at most 2 decimals, or a whole percent of the bill total ("90%").');

export const REPLY_KINDS = ["confirm", "dispute", "unclear", "none"] as const;

const reply = z
  .strictObject({
    kind: z.enum(REPLY_KINDS, { error: `expected one of ${REPLY_KINDS.join(", ")}` }),
    amount: figure.optional().describe("Party A's own figure; required for a dispute."),
    workingDay: workingDay
      .optional()
      .describe("Working days after the bill was received (sent), at 10:00 Asia/Shanghai. Default 2."),
    text: z
      .string()
      .min(1)
      .optional()
      .describe("The reply's text; {amount} stands for the figure. Default: a standard sentence per kind."),
  })
  .refine((r) => r.kind !== "dispute" || r.amount !== undefined, {
    error: "a dispute needs Party A's amount",
    path: ["amount"],
  });

const payment = z
  .strictObject({
    amount: z
      .string()
      .min(1, { error: 'expected "bill", a percent of the bill ("50%") or yuan' })
      .describe(
        '"bill" (the bill total), a percent of it ("50%"), or yuan exactly as an operator would type it — a wrong value is recorded as refused, as `ops record-payment` refuses it.',
      ),
    date: date.optional().describe("The payment's date as recorded; default: the working day's date."),
    workingDay: workingDay.optional().describe("Working days after the bill was received. Default 6."),
    recorded: date
      .optional()
      .describe("When Party B's staff record it (10:00); default the payment's date, not before the bill."),
  })
  .refine((p) => !(p.date !== undefined && p.workingDay !== undefined), {
    error: "give either date or workingDay, not both",
    path: ["workingDay"],
  });

const invoice = z.strictObject({
  date: date.optional().describe("When the VAT invoice is recorded (10:00)."),
  workingDay: workingDay
    .optional()
    .describe("Working days after the payment that cleared the bill. Default 3."),
  number: z
    .string()
    .regex(/^[0-9A-Za-z-]{6,32}$/, { error: "expected an invoice number of 6–32 letters, digits or -" })
    .optional(),
  email: z
    .enum(["sent", "fails"], { error: "expected sent or fails" })
    .optional()
    .describe('"fails": SES refuses the invoice email, which stays in the outbox (ADR 0012).'),
  resendWorkingDay: workingDay
    .optional()
    .describe("After a failed email: `ops resend` this many working days after the invoice."),
});

export const periodScenario = z.strictObject({
  reply: z
    .union([reply, z.array(reply).min(1)])
    .optional()
    .describe("Party A's reply by email, or several in order (an unclear one, then a clear one)."),
  agreed: z
    .strictObject({
      amount: figure,
      workingDay: workingDay.describe("Working days after the dispute."),
    })
    .optional()
    .describe("Re-reconciliation (R-RECON-3): the amount both parties fix."),
  decision: z
    .strictObject({
      decision: z.enum(["confirmed", "disputed"], { error: "expected confirmed or disputed" }),
      amount: figure.optional().describe("Party A's figure, for a dispute."),
      workingDay: workingDay.describe("Working days after the bill was received."),
      source: z.string().min(3, { error: "expected where the decision comes from (at least 3 characters)" }),
    })
    .optional()
    .describe(
      "A person records Party A's answer (`ops record-reconciliation`), e.g. after an unclear reply.",
    ),
  payments: z
    .array(payment)
    .optional()
    .describe("Payments; [] for none. Default: the bill, 6 working days on."),
  invoice: invoice.nullable().optional().describe("The VAT invoice (R-INV-1); null for none."),
});

export const NOTICE_KINDS = ["non-renewal", "termination"] as const;

const notice = z.strictObject({
  kind: z.enum(NOTICE_KINDS, { error: `expected one of ${NOTICE_KINDS.join(", ")}` }),
  by: z.enum(["partyA", "partyB"], { error: "expected partyA or partyB" }),
  method: z.string().min(1).describe("personal, fax, express or registered (as `ops record-notice`)."),
  region: z.string().optional().describe("For express and registered: same-city, mainland, …"),
  dispatched: date,
  recorded: date.optional().describe("When Party B's staff record it; default the dispatch date."),
  end: date
    .optional()
    .describe("A termination's last day (R-TERM-3): the notice must be deemed delivered 30 days before it."),
});

const correction = z.strictObject({
  date: date.describe("When the operator corrects (10:00)."),
  period,
  entry: z
    .string()
    .min(1)
    .describe('"payment" or "agreed-difference" (the latest such entry of the period) or an entry id.'),
  reason: z.string().min(3, { error: "expected a reason of at least 3 characters" }),
});

export const USAGE_UPLOADS = ["ops", "s3"] as const;

/**
 * A period's own usage files. By default they are stored as `ops upload-usage` stores them; `upload: "s3"`
 * puts the bytes into the usage bucket as they are, as `aws s3 cp` does — how a Chinese Windows export may
 * arrive, its encoding named by the object metadata (docs/usage-csv.md).
 */
const usageFilesOfPeriod = z.strictObject({
  voice: z.string().min(1).optional().describe("Path of a voice CDR file (docs/usage-csv.md)."),
  sms: z.string().min(1).optional().describe("Path of an SMS log, optionally with port and category."),
  complaints: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Path of the complaints feed (received_at,port; the whole history), as `ops upload-usage --complaints`. Given alone, the period's usage is still generated.",
    ),
  upload: z
    .enum(USAGE_UPLOADS, { error: `expected one of ${USAGE_UPLOADS.join(", ")}` })
    .optional()
    .describe(
      '"ops" (default): as `ops upload-usage` stores them. "s3": the voice and SMS files\' bytes as they are, as `aws s3 cp` puts them.',
    ),
  encoding: z
    .enum(USAGE_ENCODINGS, { error: `expected ${USAGE_ENCODINGS_TEXT}` })
    .optional()
    .describe(
      'The voice and SMS files\' encoding: with upload "ops", `ops upload-usage --encoding`; with "s3", the object metadata `encoding` (`aws s3 cp --metadata encoding=gbk`). None: UTF-8.',
    ),
});

/**
 * Top-level keys other features add (events of the obligations register, …): one place, so the
 * top level stays strict and a typo in a key is still an error.
 */
export const scenarioExtensions = {
  usageFiles: z
    .record(period, usageFilesOfPeriod)
    .optional()
    .describe(
      "Usage files uploaded for a period instead of generated usage, paths relative to the working directory: a month whose bill and compliance findings are worked out by hand.",
    ),
  events: z
    .array(obligationEvent)
    .optional()
    .describe(
      "Obligation registers: breach notices, force majeure, tickets, bank and contact changes (ops commands).",
    ),
};

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().optional().describe("What the scenario shows, in a sentence."),
    contract: z.string().min(1).describe("Path of the contract JSON, relative to the working directory."),
    from: period.optional().describe("First period billed; default the first term's first."),
    to: period.optional().describe("Last period billed; default the first term's last."),
    seed: z.number().int().min(0).max(999_999_999).optional().describe("Seed of the generated usage."),
    usage: z
      .strictObject({
        voiceCallsPerMonth: z.number().int().min(0).max(1_000_000),
        smsPerMonth: z.number().int().min(0).max(1_000_000),
      })
      .optional()
      .describe("Volumes of the generated usage per month; default 24000 calls and 600 SMS."),
    contractPatch: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("JSON Merge Patch (RFC 7386) applied to the contract before it is loaded."),
    periods: z
      .record(period, periodScenario)
      .optional()
      .describe("What happens per period; a period not named: confirm, pay the bill, invoice on time."),
    notices: z.array(notice).optional(),
    corrections: z.array(correction).optional(),
    ...scenarioExtensions,
  })
  .refine((s) => s.from === undefined || s.to === undefined || s.from <= s.to, {
    error: "expected from not after to",
    path: ["to"],
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type PeriodScenario = z.infer<typeof periodScenario>;
export type DecisionScenario = NonNullable<PeriodScenario["decision"]>;
export type ReplyScenario = z.infer<typeof reply>;
export type PaymentScenario = z.infer<typeof payment>;
export type InvoiceScenario = z.infer<typeof invoice>;
export type NoticeScenario = z.infer<typeof notice>;
export type CorrectionScenario = z.infer<typeof correction>;

/** The JSON Schema shipped as scenarios/scenario.schema.json. */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(scenarioSchema, { io: "input" });
}
