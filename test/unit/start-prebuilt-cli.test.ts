/**
 * `npm start` as the package script runs it: from the prebuilt artefact (ADR 0076). A bad `--transport` is a
 * usage error (exit 2, the flag, the value and the choices); the runner without an entry is one too.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

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

  it("the runner without an entry file: usage, exit 2", async () => {
    const result = await exitOf("npm", ["exec", "--", "node", "bin/prebuilt.ts"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: node bin/prebuilt.ts <entry.ts>");
  }, 60_000);
});
