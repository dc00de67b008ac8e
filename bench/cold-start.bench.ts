/**
 * `npm run bench:cold-start [-- --runs N]`: each handler bundled as its Lambda is (the esbuild settings of
 * infra/constructs/contract-function.ts, data files beside it), then imported by a fresh Node process the
 * way the Lambda runtime loads it, with only the environment Lambda sets: the median import time of N
 * runs, and the bundle's size. Printed, never asserted.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { LAMBDA_BUNDLE } from "../infra/constructs/contract-function";
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
    await build({
      entryPoints: [join(repoRoot, `functions/${name}/handler.ts`)],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "node",
      target: LAMBDA_BUNDLE.target,
      outfile: join(dir, "index.mjs"),
      external: [...LAMBDA_BUNDLE.externalModules],
      alias: Object.fromEntries(
        Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => [from, join(repoRoot, to)]),
      ),
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      banner: { js: LAMBDA_BUNDLE.banner },
      legalComments: "none",
      logLevel: "error",
    });
    cpSync(join(repoRoot, "functions/core/calendar-data"), join(dir, "calendar-data"), { recursive: true });
    mkdirSync(join(dir, "node_modules/chinese-days/dist"), { recursive: true });
    cpSync(
      join(repoRoot, "node_modules/chinese-days/dist/chinese-days.json"),
      join(dir, "node_modules/chinese-days/dist/chinese-days.json"),
    );
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
