/**
 * Loaded before the Powertools Tracer (functions/adapters/tracer.ts imports it first). aws-xray-sdk-core
 * starts in automatic mode when it loads, which installs an async hook that makes every promise of the
 * process several times slower (3–5× on a promise loop, ADR 0046). That is the price of SDK subsegments on
 * Lambda; where the Tracer traces nothing — outside Lambda (no AWS_EXECUTION_ENV: the embedded stack, the
 * CLI, the tests, which run every handler in one process) or with POWERTOOLS_TRACE_ENABLED=false — the
 * X-Ray SDK starts in manual mode instead, which installs no hook.
 */
const tracing =
  (process.env.AWS_EXECUTION_ENV ?? "") !== "" &&
  (process.env.POWERTOOLS_TRACE_ENABLED ?? "").toLowerCase() !== "false";

if (!tracing) process.env.AWS_XRAY_MANUAL_MODE ??= "true";
