/**
 * `npm run console`: the web console against the embedded stack of `npm run local` (`--local`, the
 * default) or against a deployed stack, read-only, with the caller's credentials (`--profile`/`--region`;
 * CONTRACT_OPS_TABLE and the other names of that stack come from its outputs, as for `npm run ops`).
 *
 *   npm run console -- [--local | --profile <p> --region <r> [--stack <name>]] [--port 8090]
 */
import { parseArgs } from "node:util";
import { startConsole } from "../console/server";
import { PortInUseError } from "../infra/local/ports";
import { applyStackOutputs, useTarget } from "./ops/_target";
import { InputError } from "./ops/cli-kit";

const usage =
  "usage: npm run console -- [--local | --profile <p> --region <r> [--stack <name>]] [--port 8090]";

function options() {
  const { values } = parseArgs({
    options: {
      local: { type: "boolean" },
      profile: { type: "string" },
      region: { type: "string" },
      stack: { type: "string" },
      port: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.local && (values.profile || values.region || values.stack))
    throw new Error("--local excludes --profile/--region/--stack");
  const port = values.port ?? "8090";
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) throw new Error(`--port ${port}: expected 0–65535`);
  return { ...values, port: Number(port) };
}

async function main(): Promise<number> {
  let values: ReturnType<typeof options>;
  try {
    values = options();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  useTarget({ profile: values.profile, region: values.region, stack: values.stack });
  try {
    await applyStackOutputs();
    const running = await startConsole({ port: values.port, now: () => new Date() });
    const target =
      values.profile || values.region
        ? `AWS (read-only, ${values.profile ?? "default profile"})`
        : "npm run local";
    process.stdout.write(`contract-ops console on ${running.url} (${target}); Ctrl-C stops it\n`);
  } catch (error) {
    if (error instanceof PortInUseError || error instanceof InputError) {
      process.stderr.write(`${error.message}\n${usage}\n`);
      return 1;
    }
    throw error;
  }
  return await new Promise<number>((resolve) => {
    process.once("SIGINT", () => resolve(0));
    process.once("SIGTERM", () => resolve(0));
  });
}

process.exitCode = await main();
process.exit();
