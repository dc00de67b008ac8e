/**
 * Structured JSON logs (CloudWatch on AWS, stderr locally). Personal data never goes to a log in full:
 * values under keys that name phone numbers, accounts, tokens or message content are masked here, once,
 * whatever the caller passes.
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;

const SENSITIVE_KEY = /phone|account(number)?$|token|content|body|text|recipient|calling|called/i;

function threshold(): number {
  const configured = (process.env.CONTRACT_OPS_LOG_LEVEL ?? "info") as Level;
  return LEVELS[configured] ?? LEVELS.info;
}

function maskValue(value: unknown): unknown {
  if (typeof value !== "string") return "[masked]";
  return value.length <= 4 ? "****" : `${"*".repeat(Math.min(value.length - 4, 12))}${value.slice(-4)}`;
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SENSITIVE_KEY.test(key) ? maskValue(item) : redact(item, depth + 1),
    ]),
  );
}

function write(level: Level, message: string, fields: Record<string, unknown>): void {
  if (LEVELS[level] < threshold()) return;
  const line = JSON.stringify({
    level,
    message,
    ...(redact(fields) as object),
    timestamp: new Date().toISOString(),
  });
  process.stderr.write(`${line}\n`);
}

/**
 * A CloudWatch metric in Embedded Metric Format: on Lambda, CloudWatch Logs turns this log line into a
 * data point (namespace ContractOps), so no PutMetricData call or permission is needed.
 */
function metric(name: string, dimensions: Record<string, string>, timestamp: Date): void {
  if (LEVELS.info < threshold()) return;
  const line = {
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: "ContractOps",
          Dimensions: [Object.keys(dimensions)],
          Metrics: [{ Name: name, Unit: "Count" }],
        },
      ],
    },
    ...dimensions,
    [name]: 1,
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

export const logger = {
  metric,
  debug: (message: string, fields: Record<string, unknown> = {}) => write("debug", message, fields),
  info: (message: string, fields: Record<string, unknown> = {}) => write("info", message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write("warn", message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => write("error", message, fields),
};
