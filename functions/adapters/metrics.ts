/**
 * Business metrics as CloudWatch metrics in Embedded Metric Format (Powertools Metrics): each is a JSON
 * log line that CloudWatch Logs turns into a data point in the namespace ContractOps, so no
 * PutMetricData call or permission is needed. The handler kit publishes what an invocation counted when
 * it ends (the `logMetrics` middleware); the alarms (infra/constructs/alarms.ts) read these names.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logger } from "./logger";

export const METRIC_NAMESPACE = "ContractOps";

/** The metrics counted per invocation (namespace ContractOps); breaches are counted by `countBreach`. */
export type ContractMetric = "BillsSent" | "RepliesUnderstood" | "RepliesNeedingAPerson" | "EmailsFailed";

/** The service dimension Powertools adds to every metric, which the alarms select on. */
export const METRIC_SERVICE = "contract-ops";

const NOTHING_COUNTED = /^No application metrics to publish/;

let instance: Metrics | undefined;

/**
 * The process's Metrics, built on first use: Powertools reads POWERTOOLS_METRICS_DISABLED when it is built,
 * and commands that run handlers in-process (`npm start`, `npm run chaos`) set it after their imports.
 */
export function metrics(): Metrics {
  instance ??= new Metrics({
    namespace: METRIC_NAMESPACE,
    serviceName: METRIC_SERVICE,
    // Most steps count nothing, so an invocation without a metric is the normal case here, not a warning.
    logger: {
      debug: (message: string) => logger.debug(message),
      info: (message: string) => logger.info(message),
      error: (message: string) => logger.error(message),
      warn: (message: string) =>
        NOTHING_COUNTED.test(message) ? logger.debug(message) : logger.warn(message),
    },
  });
  return instance;
}

/** Counts one occurrence; published with the invocation's other metrics when the handler returns. */
export function countMetric(name: ContractMetric): void {
  metrics().addMetric(name, MetricUnit.Count, 1);
}

/**
 * A breach, counted with the rule it breaks as a dimension (R-BREACH-1): published at once as a metric of
 * its own, so the `Rule` dimension does not attach to the invocation's other metrics. The alarm
 * (infra/constructs/alarms.ts) sums this metric over the rules with the dimensions `service` and `Rule`.
 */
export function countBreach(rule: string): void {
  const single = metrics().singleMetric();
  single.addDimension("Rule", rule);
  single.addMetric("Breaches", MetricUnit.Count, 1);
}
