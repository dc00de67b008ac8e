/**
 * `npm run bench:cold-start [-- --runs N]`: each handler bundled as its Lambda is (infra/constructs/lambda-bundle.ts,
 * the builder `cdk synth` runs, data files beside it), then imported by a fresh Node process the
 * way the Lambda runtime loads it, with only the environment Lambda sets: the median import time of N
 * runs, and the bundle's size. Printed, never asserted.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { handlerEntry } from "../infra/constructs/contract-function";
import { bundleLambda } from "../infra/constructs/lambda-bundle";
import { functionNames } from "../workflows/states";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } }, strict: true });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(
    `--runs must be a whole number ≥ 1, got ${values.runs}\nusage: npm run bench:cold-start -- [--runs N]\n`,
  );
  process.exit(2);
}

const out = mkdtempSync(join(tmpdir(), "contract-ops-cold-"));
const lambdaEnvironment = {
  PATH: process.env.PATH ?? "",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  AWS_SESSION_TOKEN: "session",
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

try {
  process.stdout.write(`| handler | bundle KB | import ms (median of ${runs}) |\n| --- | ---: | ---: |\n`);
  for (const name of functionNames) {
    const dir = join(out, name);
    await bundleLambda(repoRoot, handlerEntry(name), dir);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const printed = execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const t = performance.now(); await import(${JSON.stringify(join(dir, "index.mjs"))}); console.log(performance.now() - t);`,
        ],
        { cwd: dir, env: lambdaEnvironment, encoding: "utf8" },
      );
      times.push(Number(printed.trim()));
    }
    const kb = statSync(join(dir, "index.mjs")).size / 1000;
    process.stdout.write(`| ${name} | ${kb.toFixed(0)} | ${median(times).toFixed(0)} |\n`);
  }
  process.stdout.write(`\nNode ${process.version}, ${readdirSync(out).length} bundles in ${out} (removed)\n`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
