/**
 * The scenario's `events`: what Party B's staff record in the registers beyond the monthly cycle — written
 * breach notices and their answers (R-BREACH-1), force majeure (R-FM-1), service-level tickets (R-SLA-1,
 * R-SLA-2), bank account and contact changes (R-BANK-1, 2.13, 9.2), service changes and SMS tariff
 * adjustments (R-CHANGE-1, 4.10, 3.11). Each event is one `npm run ops` command
 * with its flags exactly as an operator types them (`--contract` is the run's), played at its moment.
 */
import * as z from "zod";

export const OBLIGATION_COMMANDS = [
  "record-breach-notice",
  "record-cure",
  "record-objection",
  "record-force-majeure",
  "open-ticket",
  "close-ticket",
  "record-bank-change",
  "record-contact-change",
  "request-change",
  "record-tariff-adjustment",
] as const;
export type ObligationCommand = (typeof OBLIGATION_COMMANDS)[number];

const flagName = z.string().regex(/^[a-z][a-z-]*$/, { error: "expected a flag name like dispatched" });

export const obligationEvent = z
  .strictObject({
    at: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(\+08:00|Z))?$/, {
        error: "expected a date YYYY-MM-DD (10:00 Asia/Shanghai) or an instant with +08:00",
      })
      .describe("When the staff run the command: a date (at 10:00 Asia/Shanghai) or an instant."),
    command: z.enum(OBLIGATION_COMMANDS, { error: `expected one of ${OBLIGATION_COMMANDS.join(", ")}` }),
    flags: z
      .record(flagName, z.string())
      .describe(
        'The command\'s flags without "--" and without contract, e.g. {"breach": "2025-09:R-PAY-1"}.',
      ),
  })
  .describe("One `npm run ops` command of the obligation registers, played at `at`.");

export type ObligationEvent = z.infer<typeof obligationEvent>;
