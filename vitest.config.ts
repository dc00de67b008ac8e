import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One test file per core at a time (ADR 0104): vitest's default of one core less is ONE worker on a
    // 2-core machine, and the files' child processes and stack I/O leave the other core mostly idle. No file
    // has to run alone: ports are the kernel's choice, caches are written under a temporary name and renamed,
    // and the one command that writes out/ in a test runs in a directory of its own.
    maxWorkers: availableParallelism(),
    // Two files share two cores: a test or hook may take twice as long as when its file ran alone.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Handlers log and emit EMF metrics for CloudWatch; in tests only errors are worth the noise
    // (test/unit/handler-observability.test.ts switches both back on).
    env: { CONTRACT_OPS_LOG_LEVEL: "error", POWERTOOLS_METRICS_DISABLED: "true" },
  },
});
