import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Handlers log and emit EMF metrics for CloudWatch; in tests only errors are worth the noise
    // (test/unit/handler-observability.test.ts switches both back on).
    env: { CONTRACT_OPS_LOG_LEVEL: "error", POWERTOOLS_METRICS_DISABLED: "true" },
  },
});
