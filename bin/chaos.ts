/**
 * `npm run chaos -- [--seeds N] [--first-seed N] [--scenario <file>] [--from YYYY-MM] [--to YYYY-MM] [--json]`
 * (ADR 0023): a scenario's run once without faults, then once per seed with a random fault plan; prints
 * the divergences with the seed and the plan to replay. Exit 0 with no divergence, 1 with any, 2 on a
 * usage error.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ContractInvalidError } from "../functions/core/contract";
import { parsePeriod } from "../functions/core/time";
import { runChaos } from "../infra/local/chaos";
import { loadScenario, ScenarioInvalidError } from "../infra/local/scenario/load";
import { SAMPLE_YEAR } from "../infra/local/scenario/sample";

const usage =
  "npm run chaos -- [--seeds <n>] [--first-seed <n>] [--scenario <file.json>] [--from <YYYY-MM>] [--to <YYYY-MM>] [--json]";

/**
 * Without --scenario: three months of the sample year (ADR 0023) — a dispute beyond 5 % re-reconciled,
 * no reply (deemed accepted), a late payment (overdue notice, breach).
 */
const DEFAULT_SPAN = { from: "2025-10", to: "2025-12" } as const;

async function main(): Promise<number> {
  let values: {
    seeds?: string;
    "first-seed"?: string;
    scenario?: string;
    from?: string;
    to?: string;
    json?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        seeds: { type: "string" },
        "first-seed": { type: "string" },
        scenario: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        json: { type: "boolean" },
      },
      strict: true,
    }));
    for (const name of ["seeds", "first-seed"] as const) {
      const value = values[name];
      if (value !== undefined && !/^[1-9]\d{0,5}$/.test(value))
        throw new Error(`--${name}: '${value}' is not a whole number from 1`);
    }
    if (values.from) parsePeriod(values.from);
    if (values.to) parsePeriod(values.to);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${usage}\n`);
    return 2;
  }
  process.env.CONTRACT_OPS_LOG_LEVEL ??= "silent";
  // Nor the EMF metric lines (Powertools Metrics) among this command's output.
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  let loaded: Awaited<ReturnType<typeof loadScenario>>;
  try {
    loaded = await loadScenario(values.scenario ?? SAMPLE_YEAR);
  } catch (error) {
    if (
      error instanceof ScenarioInvalidError ||
      error instanceof ContractInvalidError ||
      (error as NodeJS.ErrnoException).code === "ENOENT"
    ) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
  // The sample year is cut to its default span; a scenario of one's own runs its own from/to.
  const span: { from?: string; to?: string } = values.scenario ? {} : DEFAULT_SPAN;
  const from = values.from ?? loaded.scenario.from ?? span.from;
  const to = values.to ?? loaded.scenario.to ?? span.to;
  const started = Date.now();
  const report = await runChaos({
    contract: loaded.contract,
    scenario: loaded.scenario,
    seeds: Number(values.seeds ?? 50),
    firstSeed: Number(values["first-seed"] ?? 1),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    progress: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const summary = {
    runs: report.runs,
    faultsInjected: report.faultsInjected,
    faultKinds: report.faultKinds,
    divergences: report.divergences.map(({ seed, what }) => ({ seed, what })),
    redrives: report.redrives,
    knownDuplicateEmails: report.knownDuplicateEmails.map(({ seed, what }) => ({ seed, what })),
    span: report.span,
    seconds: Number(seconds),
  };
  const replayFlags = [
    ...(values.scenario ? [`--scenario ${values.scenario}`] : []),
    ...(values.from ? [`--from ${values.from}`] : []),
    ...(values.to ? [`--to ${values.to}`] : []),
  ].join(" ");
  for (const seed of new Set(report.divergences.map((d) => d.seed))) {
    const plan = report.divergences.find((d) => d.seed === seed)?.plan;
    // The plan as a file too: FAULTS=<file> npm start -- … plays it under any scenario.
    await mkdir("out", { recursive: true });
    await writeFile(`out/chaos-seed-${seed}.json`, `${JSON.stringify(plan, null, 2)}\n`);
    process.stderr.write(
      `seed ${seed} diverged; replay: npm run chaos -- --seeds 1 --first-seed ${seed}${replayFlags ? ` ${replayFlags}` : ""} ` +
        `(plan in out/chaos-seed-${seed}.json: ${JSON.stringify(plan)})\n`,
    );
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    const kinds = Object.entries(report.faultKinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    process.stdout.write(
      `${report.runs} runs, ${report.faultsInjected} faults injected (${kinds}), ${report.redrives} redrives, ` +
        `${report.divergences.length} divergences, ${report.knownDuplicateEmails.length} known duplicate emails ` +
        `(crash after SES accepted), ${report.span.from}..${report.span.to}, ${seconds} s\n`,
    );
    for (const d of report.divergences) process.stdout.write(`seed ${d.seed}: ${d.what}\n`);
  }
  return report.divergences.length === 0 ? 0 : 1;
}

process.exitCode = await main();
