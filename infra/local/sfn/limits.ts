/**
 * Step Functions quotas the runtime enforces for every execution, whatever its definition says
 * ("Step Functions service quotas", https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html;
 * docs/sfn-conformance.md, Quotas).
 */
import { StatesFailureError } from "./errors";

/** Maximum execution time of a Standard workflow: 1 year (taken as 365 days), then States.Timeout. */
export const MAX_EXECUTION_MS = 365 * 86_400_000;

/** Events in one execution's history; the 25,000th is the ExecutionFailed that ends it. */
export const MAX_HISTORY_EVENTS = 25_000;

export const HISTORY_LIMIT_CAUSE = `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`;

/** A closed execution's history is kept 90 days; only then may its name be used again. */
export const EXECUTION_RETENTION_MS = 90 * 86_400_000;

/** Input or output of a task, state or execution, and what one Assign stores: 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;

export function payloadBytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** Fails the state with States.DataLimitExceeded when `value` serialises to more than 256 KiB. */
export function checkPayload(value: unknown, what: string, stateName: string): void {
  const bytes = payloadBytes(JSON.stringify(value) ?? "null");
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new StatesFailureError(
      "States.DataLimitExceeded",
      `The ${what} of the state '${stateName}' is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte (256 KiB) quota.`,
    );
  }
}
