/** `npm start -- --scenario`: a bad file is exit 1 with one line per bad field and no stack; bad flags exit 2. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tsxExit } from "../tsx-cli";

const start = (args: string[]) => tsxExit(["bin/start.ts", ...args]);

describe("npm start -- --scenario <file>", () => {
  it("a scenario with bad fields: exit 1, the path, value and expectation of each, nothing run, no stack trace", async () => {
    const dir = await mkdtemp(join(tmpdir(), "scenario-cli-"));
    const file = join(dir, "bad.json");
    // A UTF-8 BOM is accepted; the fields are what is wrong.
    await writeFile(
      file,
      `\uFEFF${JSON.stringify({
        contract: "contracts/11NA0700211920254001.json",
        periods: {
          "2025-10": {
            reply: { kind: "confirm", workingDay: 40 },
            agreed: { amount: "lots", workingDay: 3 },
          },
        },
      })}`,
    );
    const result = await start(["--scenario", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      "periods.2025-10.reply.workingDay: 40: expected a whole number of working days from 0 to 30",
    );
    expect(result.stderr).toContain(
      'periods.2025-10.agreed.amount: "lots": expected yuan with at most 2 decimals',
    );
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  }, 60_000);

  it("an unknown flag: usage error, exit 2", async () => {
    const result = await start(["--scenarios", "x.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: npm start -- [--scenario <file.json>]");
  }, 60_000);
});
