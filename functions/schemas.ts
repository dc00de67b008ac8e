/**
 * The payloads passed between the state machines and the Lambdas (docs/workflows.md), as zod schemas:
 * the one definition both the handler's validation and its TypeScript types come from.
 */
import * as z from "zod";

export const contractId = z.string().regex(/^[A-Za-z0-9-]{3,64}$/);
export const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
export const term = z.number().int().min(1).max(100);
export const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not an ISO instant");
export const money = z.string().regex(/^-?\d+\.\d{2}$/);

export const cycleStep = z.object({ contractId, period });
export const termStep = z.object({ contractId, term });
/** RenewalWatch handover k of a term (ADR 0021); the term's first execution is handover 0. */
export const handoverStep = termStep.extend({ handover: z.number().int().min(1) });

const reconciliationOutcome = z.enum(["confirmed", "within-tolerance", "re-reconcile", "no-reply"]);

/**
 * The outputs the state machines read (workflows/*.ts assign them to variables and compute Wait
 * timestamps and Choices from them), checked before the workflow sees them.
 */
export const outputs = {
  /**
   * MonthlyCycle "Is a usage file still missing?" (R-BILL-1, ADR 0044): a held bill is prepared again at
   * `recheckAt`; the step's input on that second run is this output, so it names the contract and period.
   */
  prepareBill: z.looseObject({ contractId, period, held: z.boolean(), recheckAt: instant.nullable() }),
  /** MonthlyCycle `$sent` (R-RECON-1, R-RECON-5, R-PAY-1, R-TRIAL-1). */
  sendBill: z.object({
    sentAt: instant,
    reminderAt: instant.nullable(),
    reconciliationDeadline: instant,
    paymentDue: instant,
    lateBill: z.boolean(),
    paymentExpected: z.boolean(),
  }),
  /** MonthlyCycle `$reply` after the deadline (R-RECON-5): the recorded outcome, if any. */
  recordMissedDeadline: z.object({
    recorded: z.boolean(),
    reconciliation: z
      .looseObject({
        outcome: reconciliationOutcome,
        partyAAmount: money.optional(),
        receivedAt: instant.optional(),
      })
      .optional(),
  }),
  /** MonthlyCycle `$reopened` (R-RECON-3). */
  openReReconciliation: z.object({ reReconciliationDeadline: instant }),
  /** MonthlyKickoff `$listing`: where the manifest of contracts is (ADR 0051), and how many it lists. */
  listActiveContracts: z.object({
    period,
    contractCount: z.number().int().min(0),
    manifestKey: z.string().min(1),
  }),
  /** MonthlyKickoff: one batch's child execution output, summed after the Distributed Map. */
  startMonthlyCycles: z.object({
    period,
    contracts: z.number().int().min(1),
    newlyStarted: z.number().int().min(0),
    /** The MonthlyCycle executions of the batch, started now or before (`<contractId>-<period>`). */
    executionNames: z.array(z.string()),
  }),
  /** RenewalWatch `$plan` (R-TERM-1, R-NOTICE-1, R-NOTICE-3). */
  planRenewalWatch: z.object({
    /** The term's outcome if already decided: "ended" by a notice that undid its renewal (R-NOTICE-2, ADR 0071). */
    outcome: z.enum(["renewed", "ended", "cancelled"]).nullable(),
    termFirstDay: z.string(),
    termLastDay: z.string(),
    reminderAt: instant,
    noticeDeadline: instant,
    termEndsAt: instant,
  }),
} as const;
