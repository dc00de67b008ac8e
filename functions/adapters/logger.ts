/**
 * Structured JSON logs with Powertools for AWS Lambda's Logger (CloudWatch on AWS; captured per
 * invocation on the embedded stack). Personal data never goes to a log in full: every key and every
 * string of every line passes through core/mask.ts (`maskForLog`) in the Logger's JSON replacer, once,
 * whatever the caller passes — values under keys that name phone numbers, accounts, emails, tokens or
 * message content are masked by kind, and free text has the phone numbers, emails and account numbers
 * in it masked.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { maskForLog } from "../core/mask";

const LEVELS = { debug: "DEBUG", info: "INFO", warn: "WARN", error: "ERROR", silent: "SILENT" } as const;

/**
 * CONTRACT_OPS_LOG_LEVEL (`debug`, `info` default, `warn`, `error`, `silent`): the project's one knob,
 * read again at each invocation (handler-kit) so the embedded stack and the CLI can quieten the logs after
 * this module was loaded.
 */
export function configuredLogLevel(): (typeof LEVELS)[keyof typeof LEVELS] {
  const configured = process.env.CONTRACT_OPS_LOG_LEVEL ?? "info";
  return configured in LEVELS ? LEVELS[configured as keyof typeof LEVELS] : LEVELS.info;
}

/** Keys Powertools itself writes with values that are never personal data. */
const POWERTOOLS_KEYS = new Set([
  "level",
  "timestamp",
  "service",
  "cold_start",
  "function_arn",
  "function_name",
  "function_memory_size",
  "function_request_id",
  "xray_trace_id",
  "sampling_rate",
]);

export const logger = new Logger({
  serviceName: "contract-ops",
  logLevel: configuredLogLevel(),
  jsonReplacerFn: (key, value) => (POWERTOOLS_KEYS.has(key) ? value : maskForLog(key, value)),
});
