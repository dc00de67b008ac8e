/** Retry and Catch matching and delays ("Handling errors in Step Functions workflows"). */
import { createHash } from "node:crypto";
import type { Retrier } from "./definition";
import { seededRandom } from "./expressions";

const TASK_FAILED_EXCLUDES = new Set([
  "States.Timeout",
  "States.HeartbeatTimeout",
  "States.Runtime",
  "States.DataLimitExceeded",
]);
const ALL_EXCLUDES = new Set(["States.Runtime", "States.DataLimitExceeded"]);

/**
 * Error-name matching for Retry/Catch: `States.ALL` matches everything but States.Runtime and
 * States.DataLimitExceeded; `States.TaskFailed` everything but timeouts; `States.Timeout` also a
 * heartbeat timeout ("Handling errors in Step Functions workflows", Error names).
 */
export function errorMatches(errorEquals: string[], error: string): boolean {
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === "States.ALL" && !ALL_EXCLUDES.has(error)) return true;
    if (name === "States.TaskFailed" && !TASK_FAILED_EXCLUDES.has(error)) return true;
    if (name === "States.Timeout" && error === "States.HeartbeatTimeout") return true;
  }
  return false;
}

/** The wait before retry number `attempt` of a retrier (interval × backoff^attempt, capped, jittered). */
export function retryDelayMs(
  retrier: Retrier,
  attempt: number,
  execArn: string,
  stateName: string,
  retryCount: number,
): number {
  let seconds = retrier.intervalSeconds * retrier.backoffRate ** attempt;
  if (retrier.maxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.maxDelaySeconds);
  if (retrier.jitter === "FULL") {
    // Full jitter: a random delay between 0 and the computed one; seeded so a run is reproducible.
    seconds *= seededRandom(hashInt(`${execArn}|${stateName}|${retryCount}`));
  }
  return Math.round(seconds * 1000);
}

function hashInt(seed: string): number {
  return createHash("sha256").update(seed).digest().readUInt32BE(0);
}
