/**
 * `npm run sfn -- run --definition <asl.json> --input <json-file> [--handlers <module>] [--start <ISO time>] [--json]`
 *
 * Runs one JSONata state machine to completion on virtual time with the local Step Functions runtime
 * and prints `{ status, output, error, cause, history }` with DescribeExecution/GetExecutionHistory
 * field names and values. `--handlers` is an ES module whose default export maps Lambda function
 * names (or ARNs) to `async (payload, context) => result`.
 * Exit codes: 0 the run finished (whatever its status), 1 bad input or definition, 2 usage.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type LocalHandler, runDefinition } from "../infra/local/sfn/run-definition";

const USAGE =
  "npm run sfn -- run --definition <asl.json> --input <json-file> [--handlers <module>] [--start <ISO time>] [--json]";

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== "run" || positionals.length !== 1 || !values.definition || !values.input) {
    process.stderr.write(`usage: ${USAGE}\n`);
    return 2;
  }
  try {
    const definition = await readFile(resolve(values.definition), "utf8");
    const input = await readFile(resolve(values.input), "utf8");
    JSON.parse(input);
    let handlers: Record<string, LocalHandler> = {};
    if (values.handlers) {
      const mod = (await import(pathToFileURL(resolve(values.handlers)).href)) as {
        default?: Record<string, LocalHandler>;
      };
      if (!mod.default || typeof mod.default !== "object")
        throw new Error(`${values.handlers} has no default export mapping function names to handlers`);
      handlers = mod.default;
    }
    const start = values.start ? new Date(values.start) : undefined;
    if (start && Number.isNaN(start.getTime())) throw new Error(`--start ${values.start} is not a date`);
    const report = await runDefinition({ definition, input, handlers, ...(start ? { start } : {}) });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const lines = [`status: ${report.status}`];
      if (report.output !== null) lines.push(`output: ${report.output}`);
      if (report.error !== null) lines.push(`error:  ${report.error}`);
      if (report.cause !== null) lines.push(`cause:  ${report.cause}`);
      lines.push("history:");
      for (const e of report.history) {
        const name = Object.entries(e).find(
          ([k]) => k === "stateEnteredEventDetails" || k === "stateExitedEventDetails",
        )?.[1] as { name?: string } | undefined;
        lines.push(
          `  ${String(e.id).padStart(4)}  ${e.timestamp}  ${e.type}${name?.name ? `  ${name.name}` : ""}`,
        );
      }
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    return 0;
  } catch (error) {
    const e = error as Error;
    process.stderr.write(`${e.name}: ${e.message}\n`);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      definition: { type: "string" },
      input: { type: "string" },
      handlers: { type: "string" },
      start: { type: "string" },
      json: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
}

process.exitCode = await main(process.argv.slice(2));
