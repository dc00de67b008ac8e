/** The shipped scenarios: `npm start` with no --scenario plays the sample year. */
import { readFile } from "node:fs/promises";
import { parseScenario } from "./load";
import type { Scenario } from "./schema";

export const SAMPLE_YEAR = "scenarios/sample-year.json";

/** A shipped scenario by its path from the repository root, validated (its contract is loaded separately). */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const text = await readFile(new URL(`../../../${path}`, import.meta.url), "utf8");
  return parseScenario(JSON.parse(text.replace(/^\uFEFF/, "")), path);
}
