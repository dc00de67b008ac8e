/**
 * What a run reads from the caches, made before it (`npm start -- --prepare`, which `npm ci` runs as the project's
 * prepare script): the synthesized template (ADR 0050) and the scenario's generated months (ADR 0098). The
 * prebuilt artefact (ADR 0076) is built by bin/prebuilt.js before this code loads. Without these, the first
 * `npm start` after an install synthesizes the template, loading aws-cdk-lib, and generates every month — seconds
 * each run after it does not pay. Each cache is keyed by what its content is made of, so preparing changes no run's
 * output: a prepared entry is the one the run would have written itself.
 */
import { fileURLToPath } from "node:url";
import { generatedPeriods, generatedUsage, type RunOptions, runPeriods } from "./contract-year";
import { localTemplate } from "./template-cache";

/** The repository this module belongs to (its source's own URL, also inside the prebuilt artefact). */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface PreparedRun {
  /** Whether the template was synthesized now (false: it was cached already). */
  templateSynthesized: boolean;
  /** The periods whose generated usage is now in the cache (every period the scenario gives no files for). */
  generatedPeriods: string[];
}

export async function prepareRun(
  options: Pick<
    RunOptions,
    "contract" | "scenario" | "from" | "to" | "seed" | "voiceCallsPerMonth" | "smsPerMonth"
  > & { usageCacheDir: string },
): Promise<PreparedRun> {
  const { scenario, periods } = await runPeriods(options);
  const { synthesized } = await localTemplate(REPO_ROOT);
  const generated = generatedPeriods(scenario, periods);
  const usage = generatedUsage(options, scenario, periods);
  for (const period of generated) await usage(period);
  return { templateSynthesized: synthesized, generatedPeriods: generated };
}
