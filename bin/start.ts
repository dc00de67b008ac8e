/**
 * `npm start`: plays a scenario (`--scenario <file>`, default scenarios/sample-year.json; docs/scenarios.md)
 * on the embedded stack over virtual time and prints one row per period, the renewal outcome, and writes
 * out/run.json and out/report.html (the console's contract page). `--contract/--from/--to/--seed` override
 * the scenario's own. With `--json`, stdout is the JSON document only and progress goes to stderr. With
 * `--serve`, the stack and the console stay up on the run's final virtual time until Ctrl-C. With `--ses-sandbox`,
 * SES behaves as in the sandbox: mail goes only to the stack's own domain and each `--verified` address or
 * domain, anything else is refused (MessageRejected) and the run reports the executions that failed on it.
 * `--transport http` has the stack's clients reach DynamoDB and S3 over 127.0.0.1 instead of in-process
 * (ADR 0077), and Party A's replies go over SMTP (ADR 0089). A run in which any execution failed or timed out exits 1.
 * `--prepare` makes what the run would read from the caches (the prebuilt artefact, the stack's template, the
 * scenario's generated months; infra/local/prepare-run.ts), plays the run once without printing or writing its
 * report, so the code it compiles is kept (ADR 0120), and exits. `npm ci` runs it as the
 * project's prepare script, so the first `npm start` after an install is as quick as the next.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { contractReportHtml } from "../console/export";
import { failureMessage } from "../functions/app/cycle/bill-failure";
import { ContractInvalidError } from "../functions/core/contract";
import { parsePeriod } from "../functions/core/time";
import { type RunReport, runContractYear } from "../infra/local/contract-year";
import { LOCAL_TRANSPORTS, type LocalTransport } from "../infra/local/in-process-transport";
import { prepareRun } from "../infra/local/prepare-run";
import { renderTextReport } from "../infra/local/report";
import { loadScenario, ScenarioInvalidError } from "../infra/local/scenario/load";
import { SAMPLE_YEAR } from "../infra/local/scenario/sample";
import { sandboxVerifying } from "../infra/local/ses-local";
import { defaultUsageCacheDir } from "../infra/local/usage-cache";
import { markRunRepresentative } from "./artefact-loader.js";

const usage =
  "npm start -- [--scenario <file.json>] [--contract <file>] [--from <YYYY-MM>] [--to <YYYY-MM>] [--seed <n>] [--json] [--serve] [--ses-sandbox [--verified <address|domain>]…] [--transport <in-process|http>] [--prepare]";

function isTransport(value: string | undefined): value is LocalTransport {
  return LOCAL_TRANSPORTS.some((transport) => transport === value);
}

async function main(): Promise<number> {
  let values: {
    scenario?: string;
    contract?: string;
    from?: string;
    to?: string;
    seed?: string;
    json?: boolean;
    serve?: boolean;
    "ses-sandbox"?: boolean;
    verified?: string[];
    transport?: string;
    prepare?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        scenario: { type: "string" },
        contract: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        seed: { type: "string" },
        json: { type: "boolean" },
        serve: { type: "boolean" },
        "ses-sandbox": { type: "boolean" },
        verified: { type: "string", multiple: true },
        transport: { type: "string" },
        prepare: { type: "boolean" },
      },
      strict: true,
    }));
    if (values.verified && !values["ses-sandbox"]) throw new Error("--verified needs --ses-sandbox");
    if (values.from) parsePeriod(values.from);
    if (values.to) parsePeriod(values.to);
    if (values.seed && !/^\d{1,9}$/.test(values.seed)) throw new Error(`--seed must be a whole number`);
    if (values.transport !== undefined && !isTransport(values.transport))
      throw new Error(`--transport must be one of ${LOCAL_TRANSPORTS.join(", ")}, not ${values.transport}`);
    // Preparing plays the run without a word or a report, so the flags that only say how to run or what to print
    // would be silently ignored.
    const runOnly = (["json", "serve", "ses-sandbox", "transport"] as const).filter(
      (flag) => values[flag] !== undefined,
    );
    if (values.prepare && runOnly.length > 0)
      throw new Error(`--prepare prints and serves nothing: --${runOnly.join(", --")} cannot go with it`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${usage}\n`);
    return 2;
  }
  // Handler logs are for CloudWatch; here only warnings and errors would distract from the run.
  process.env.CONTRACT_OPS_LOG_LEVEL ??= "error";
  // Nor the EMF metric lines (Powertools Metrics) among this command's output.
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  const scenarioPath = values.scenario ?? SAMPLE_YEAR;
  let loaded: Awaited<ReturnType<typeof loadScenario>>;
  try {
    loaded = await loadScenario(scenarioPath, values.contract);
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
  const started = Date.now();
  // What the run's months are and where their usage comes from: the same for a run and for preparing one.
  const played = {
    contract: loaded.contract,
    scenario: loaded.scenario,
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    // The same seed and generator give the same months (ADR 0098): generated once, read back after.
    usageCacheDir: defaultUsageCacheDir(),
  };
  if (values.prepare) {
    const prepared = await prepareRun(played);
    const months = prepared.generatedPeriods;
    // The run played once, reporting nothing and writing no report, so that the code it compiles is kept for the
    // runs after it (ADR 0120): the first `npm start` after an install is then as quick as the next.
    const rehearsal = await runContractYear({ ...played, scenarioSource: scenarioPath });
    const failed = rehearsal.failures.length;
    if (failed === 0) markRunRepresentative();
    const code =
      failed === 0
        ? ", the code a run compiles"
        : `; not the code a run compiles: ${failed} execution(s) of the run failed (npm start reports them)`;
    process.stderr.write(
      `prepared for npm start: the prebuilt artefact, the stack's template (${prepared.templateSynthesized ? "synthesized" : "cached already"}), ${months.length} generated month${months.length === 1 ? "" : "s"} of usage${months.length > 0 ? ` (${months[0]} to ${months.at(-1)})` : ""}${code} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    return 0;
  }
  const publish = async (report: RunReport, reportHtml: string) => {
    await mkdir("out", { recursive: true });
    await writeFile("out/run.json", `${JSON.stringify(report, null, 2)}\n`);
    await writeFile("out/report.html", reportHtml);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      process.stdout.write(
        `${renderTextReport(report)}\nwritten: out/run.json, out/report.html (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    }
  };
  const report = await runContractYear({
    ...played,
    ...(values["ses-sandbox"] ? { sesSandbox: sandboxVerifying(values.verified ?? []) } : {}),
    scenarioSource: scenarioPath,
    ...(isTransport(values.transport) ? { transport: values.transport } : {}),
    progress: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`),
    // The report page reads the stack, so it is written while the stack is still up.
    // The page takes the cycles and audit history the report has just read (ADR 0057).
    inspect: async (app, report, read) => {
      await publish(report, await contractReportHtml(loaded.contract.contractId, app.clock.now(), read));
      if (values.serve) {
        // Loaded only to serve: the console server and its graph layout (elkjs) are not part of a run.
        const { serveUntilInterrupted } = await import("../infra/local/serve-console");
        await serveUntilInterrupted(app, (line) => process.stderr.write(`${line}\n`));
      }
    },
  });
  if (report.failures.length > 0) {
    // The report names each one; this line is what a script or an impatient reader sees last.
    const [first] = report.failures;
    process.stderr.write(
      `error: ${report.failures.length} execution(s) failed, first ${first?.stateMachine} ${first?.name}: ${first?.error}: ${failureMessage(first?.cause ?? "")}\n`,
    );
    return 1;
  }
  // A year played: the code it compiled is what the next run needs (ADR 0120).
  markRunRepresentative();
  return 0;
}

// No top-level await: the prebuilt artefact runs this as a CommonJS module (ADR 0120).
main().then((code) => {
  process.exitCode = code;
});
