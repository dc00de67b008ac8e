/**
 * Generates months of usage on a worker thread (the machine's other core) while the main thread boots the
 * embedded stack and uploads the months already written: `npm start` spends no main-thread CPU on the
 * generator. The worker runs the same generateUsage as the main thread, so a seed gives the same bytes either way.
 *
 * From the prebuilt artefact (ADR 0076; bin/prebuilt.ts sets CONTRACT_OPS_PREBUILT_DIR) the worker runs the
 * bundled worker entry; otherwise (tests, tsx scripts) it loads the TypeScript source through tsx, as the main
 * thread did.
 */
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { GeneratedUsage, GenerateUsageOptions } from "./usage-generator";
import { usageResultSchema } from "./usage-worker-protocol";

/** The worker entry's path inside the repository; bin/prebuilt.ts builds it into the artefact. */
export const USAGE_WORKER_ENTRY = "infra/local/usage-worker.ts";

export interface UsageInWorker {
  /** One promise per job, in the jobs' order, settled when that month's files are written. */
  months: Array<Promise<GeneratedUsage>>;
  /** Stops the worker (months not yet generated are rejected); safe to call twice. */
  close(): Promise<void>;
}

function workerScript(): { url: URL; execArgv: string[] } {
  const prebuiltDir = process.env.CONTRACT_OPS_PREBUILT_DIR;
  if (prebuiltDir)
    return {
      url: pathToFileURL(join(prebuiltDir, USAGE_WORKER_ENTRY.replace(/\.ts$/, ".js"))),
      execArgv: [],
    };
  const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
  return { url: pathToFileURL(join(repoRoot, USAGE_WORKER_ENTRY)), execArgv: ["--import", "tsx"] };
}

export function generateUsageInWorker(jobs: GenerateUsageOptions[]): UsageInWorker {
  const settlers = jobs.map(() => {
    let resolve: (usage: GeneratedUsage) => void = () => {};
    let reject: (error: Error) => void = () => {};
    const promise = new Promise<GeneratedUsage>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A month nobody awaits (the run failed earlier) must not become an unhandled rejection.
    promise.catch(() => {});
    return { promise, resolve, reject, settled: false };
  });
  const failAll = (error: Error) => {
    for (const settler of settlers) {
      if (settler.settled) continue;
      settler.settled = true;
      settler.reject(error);
    }
  };
  if (jobs.length === 0) return { months: [], close: async () => {} };
  const { url, execArgv } = workerScript();
  const worker = new Worker(url, { workerData: jobs, execArgv });
  worker.on("message", (message: unknown) => {
    const parsed = usageResultSchema.safeParse(message);
    if (!parsed.success) {
      failAll(new Error(`the usage worker sent an unexpected message: ${parsed.error.message}`));
      return;
    }
    const result = parsed.data;
    const settler = settlers[result.index];
    if (settler === undefined || settler.settled) return;
    settler.settled = true;
    if ("usage" in result) settler.resolve(result.usage);
    else settler.reject(new Error(`usage generation failed: ${result.error}`));
  });
  worker.on("error", failAll);
  worker.on("exit", (code) =>
    failAll(new Error(`the usage worker exited (code ${code}) before every month`)),
  );
  return {
    months: settlers.map((settler) => settler.promise),
    close: async () => {
      await worker.terminate();
    },
  };
}
