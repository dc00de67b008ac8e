/**
 * The payloads passed between the state machines and the Lambdas (docs/workflows.md), as zod schemas:
 * the one definition both the handler's validation and its TypeScript types come from.
 */
import { z } from "zod";

export const contractId = z.string().regex(/^[A-Za-z0-9-]{3,64}$/);
export const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
export const term = z.number().int().min(1).max(100);
export const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not an ISO instant");
export const money = z.string().regex(/^-?\d+\.\d{2}$/);

export const cycleStep = z.object({ contractId, period });
export const termStep = z.object({ contractId, term });
/** RenewalWatch handover k of a term (ADR 0021); the term's first execution is handover 0. */
export const handoverStep = termStep.extend({ handover: z.number().int().min(1) });
