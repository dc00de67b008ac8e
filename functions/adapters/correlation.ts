/**
 * The contract and period an invocation is about, attached once to everything it emits: every log line
 * carries them (Powertools Logger keys) and its X-Ray subsegment is annotated with them, so a trace is
 * found by contract and period (ADR 0046, 0082). Identifiers only, never personal data.
 */
import { logger } from "./logger";
import { putAnnotation } from "./tracer";

export interface CorrelationKeys {
  contractId?: string;
  period?: string;
}

export function correlate(keys: CorrelationKeys): void {
  logger.appendKeys({ ...keys });
  for (const [key, value] of Object.entries(keys)) {
    if (typeof value === "string") putAnnotation(key, value);
  }
}
