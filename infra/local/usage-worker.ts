/**
 * The worker thread of generateUsageInWorker (infra/local/usage-in-worker.ts): generates the months it is given,
 * in order, with the same generateUsage as the main thread (same seed, same bytes), and posts each month's
 * result as soon as its files are written, so the main thread uploads it while the next month is generated.
 */
import { parentPort, workerData } from "node:worker_threads";
import { generateUsage } from "./usage-generator";
import { usageJobsSchema } from "./usage-worker-protocol";

const port = parentPort;
if (port === null) throw new Error("infra/local/usage-worker.ts runs only as a worker thread");
const jobs = usageJobsSchema.parse(workerData);
for (const [index, job] of jobs.entries()) {
  try {
    port.postMessage({ index, usage: await generateUsage(job) });
  } catch (error) {
    port.postMessage({ index, error: error instanceof Error ? error.message : String(error) });
  }
}
