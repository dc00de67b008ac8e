/**
 * `npm start` as the package script runs it: from the prebuilt artefact (ADR 0076). A bad `--transport` is a
 * usage error (exit 2, the flag, the value and the choices); the runner without an entry is one too. A month
 * runs from the artefact: usage generated and uploaded, the bill prepared and sent. The runner sets zod's
 * shared configuration before the artefact loads (ADR 0095).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Script } from "node:vm";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { codeCacheDir, WRAPPER } from "../../bin/artefact-loader.js";
import { handlerEntries, prebuilt } from "../../bin/prebuilt";

const run = promisify(execFile);

async function exitOf(command: string, args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(command, args);
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe("npm start from the prebuilt artefact", () => {
  it("refuses an unknown transport: exit 2 naming the flag, the value and the choices, no stack trace", async () => {
    const result = await exitOf("npm", ["start", "--silent", "--", "--transport", "carrier-pigeon"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--transport must be one of http, in-process, not carrier-pigeon");
    expect(result.stderr).toContain("usage: npm start --");
    expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  }, 120_000);

  it("runs a month from the artefact: generates and uploads its usage, and bills it", async () => {
    const { stdout, stderr } = await run("npm", [
      "start",
      "--silent",
      "--",
      "--from",
      "2025-09",
      "--to",
      "2025-09",
      "--json",
    ]);
    // The sample scenario's default volumes (infra/local/scenario: 24,000 calls and 600 SMS a month).
    expect(stderr).toContain("usage 2025-09: 24000 voice CDRs, 600 SMS records uploaded");
    const report = z
      .object({ periods: z.array(z.object({ period: z.string(), billSentAt: z.string() })) })
      .parse(JSON.parse(stdout));
    expect(report.periods.map((period) => period.period)).toEqual(["2025-09"]);
    // R-BILL-1: the bill goes out on the 1st of the month after the period.
    expect(report.periods[0]?.billSentAt.slice(0, 10)).toBe("2025-10-01");
  }, 120_000);

  it("runs its entry with zod's object schemas interpreted, not compiled, accepting and refusing as before", async () => {
    // ADR 0095: set by the runner before the artefact's bundled zod loads, so every schema the run builds
    // sees it; a schema still accepts a valid record and refuses an invalid one.
    const { stdout } = await run("npm", [
      "exec",
      "--",
      "node",
      "bin/prebuilt.js",
      "test/fixtures/prebuilt/zod-entry.ts",
    ]);
    expect(JSON.parse(stdout)).toEqual({ jitless: true, valid: true, invalid: false });
  }, 120_000);

  it("--prepare plays its run from the artefact and keeps the code it compiled; a refused --prepare keeps none", async () => {
    // ADR 0120. Under flags of its own (npm start's and --no-warnings), so the caches it writes are its own: V8
    // keys a cache by the flags, and so does the loader's directory; the developer's npm start cache is untouched.
    const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
    const flags = ["--experimental-async-context-frame", "--max-semi-space-size=16", "--no-warnings"];
    const artefact = await prebuilt({ repoRoot, entries: ["bin/start.ts", ...handlerEntries(repoRoot)] });
    const cacheDir = codeCacheDir(artefact.dir, flags);
    const command = ["exec", "--", "node", ...flags, "bin/prebuilt.js", "bin/start.ts", "--prepare"];
    rmSync(cacheDir, { recursive: true, force: true });
    try {
      const refused = await exitOf("npm", [...command, "--json"]);
      expect(refused.code).toBe(2);
      expect(existsSync(cacheDir)).toBe(false);

      const prepared = await exitOf("npm", [...command, "--from", "2025-09", "--to", "2025-09"]);
      expect(prepared.code, prepared.stderr).toBe(0);
      expect(prepared.stderr).toContain(", the code a run compiles (");
      // Written after the run, the entry's cache holds the functions a month called: several times what V8 caches
      // of the same module compiled and not yet run (its top-level code), the oracle here.
      const source = readFileSync(join(artefact.dir, "bin", "start.js"), "utf8");
      const compiledOnly = new Script(`${WRAPPER}${source}\n})`).createCachedData().length;
      expect(statSync(join(cacheDir, "bin", "start.js.v8")).size).toBeGreaterThan(3 * compiledOnly);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("the runner without an entry file: usage, exit 2", async () => {
    const result = await exitOf("npm", ["exec", "--", "node", "bin/prebuilt.js"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: node bin/prebuilt.js <entry.ts>");
  }, 60_000);
});
