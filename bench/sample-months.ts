/**
 * The sample scenario (scenarios/sample-year.json) played as `npm start` plays it, for a number of months from
 * the contract's first billed month: what bench:year and bench:calls measure.
 */
import { nextPeriod, parsePeriod } from "../functions/core/time";
import { defaultRange, type RunReport, runContractYear } from "../infra/local/contract-year";
import { loadScenario } from "../infra/local/scenario/load";
import { SAMPLE_YEAR } from "../infra/local/scenario/sample";

export async function playSampleMonths(
  months: number,
  progress: (line: string) => void,
): Promise<{ report: RunReport; from: string; to: string }> {
  const loaded = await loadScenario(SAMPLE_YEAR);
  const from = loaded.scenario.from ?? defaultRange(loaded.contract).from;
  let to = parsePeriod(from);
  for (let i = 1; i < months; i++) to = nextPeriod(to);
  const report = await runContractYear({
    contract: loaded.contract,
    scenario: loaded.scenario,
    scenarioSource: SAMPLE_YEAR,
    from,
    to,
    progress,
  });
  return { report, from, to };
}
