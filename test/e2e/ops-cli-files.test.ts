/**
 * `ops rate` and `ops deadlines` as real command-line processes (docs/operations.md, docs/usage-csv.md): the
 * exit code, the one line a refusal prints and that nothing else is printed. Neither command needs the stack:
 * they read the contract file and the usage files. Oracles by hand: the shipped GBK export
 * (scenarios/usage/gbk-2025-09-sms.csv) holds 2 SMS of 40 Chinese characters, 1 billed part each with the
 * signature (合同第四条4.1款注（1）, R-SMS-1); its first GBK byte is at offset 98 on line 2 (a 49-character header
 * + CRLF, then a 47-byte row prefix). The contract takes effect 2025-07-15 (R-TERM-1, the later signing date).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tsxExit } from "../tsx-cli";
import { SAMPLE_CONTRACT } from "./harness";

const GBK_SMS = "scenarios/usage/gbk-2025-09-sms.csv";
// Each case starts its own tsx process: seconds each on a loaded machine.
const CLI = 120_000;

const ops = (...args: string[]) => tsxExit(["bin/ops.ts", ...args]);

/** A refusal: exit 1, nothing on stdout, one line on stderr and no stack trace. */
function expectRefused(result: { code: number; stdout: string; stderr: string }): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

const digest = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("ops rate on a GBK export (Excel on Chinese Windows)", () => {
  it(
    "without --encoding: exit 1, one line naming line 2, byte offset 98 and the option; with --encoding gbk: 2 messages, 2 parts",
    async () => {
      const before = digest(GBK_SMS);
      const base = ["rate", "--contract", SAMPLE_CONTRACT, "--period", "2025-09", "--sms", GBK_SMS];
      const refused = expectRefused(await ops(...base));
      expect(refused).toBe(
        "error: SMS log file is not valid UTF-8 at line 2, byte offset 98: save it as UTF-8 or name its encoding (ops rate --encoding gbk|gb18030; in the usage bucket, object metadata encoding=gbk|gb18030)",
      );
      const rated = await ops(...base, "--encoding", "gbk", "--json");
      expect(rated.code).toBe(0);
      const json = JSON.parse(rated.stdout) as {
        usage: { smsMessages: number; smsParts: number };
        total: string;
      };
      expect(json.usage).toMatchObject({ smsMessages: 2, smsParts: 2 });
      // No voice file given: 4000.00 + 2 × 0.04 = 4000.08.
      expect(json.total).toBe("4000.08");
      expect(digest(GBK_SMS)).toBe(before);
    },
    CLI,
  );

  it(
    "an encoding it does not know: exit 1 naming --encoding, the value and what is expected",
    async () => {
      const refused = expectRefused(
        await ops(
          "rate",
          "--contract",
          SAMPLE_CONTRACT,
          "--period",
          "2025-09",
          "--sms",
          GBK_SMS,
          "--encoding",
          "big5",
        ),
      );
      expect(refused).toMatch(/^error: --encoding "big5": expected .*utf-8, gbk or gb18030/);
    },
    CLI,
  );
});

describe("ops deadlines refuses what cannot be (R-TERM-1, R-BILL-1, R-PAY-1)", () => {
  it(
    "a payment before the bill was sent, and before the period even ended: exit 1, one line each",
    async () => {
      const base = ["deadlines", "--contract", SAMPLE_CONTRACT, "--period", "2025-09"];
      expect(
        expectRefused(
          await ops(
            ...base,
            "--bill-sent",
            "2025-10-01T01:00:00+08:00",
            "--paid",
            "2025-09-30T10:00:00+08:00",
          ),
        ),
      ).toBe(
        'error: --paid "2025-09-30T10:00:00+08:00": expected an instant not before the bill was sent (2025-10-01T01:00:00+08:00)',
      );
      expect(expectRefused(await ops(...base, "--paid", "2025-09-15T10:00:00+08:00"))).toMatch(
        /^error: --paid "2025-09-15T10:00:00\+08:00": expected an instant after the period ends \(2025-09-30\)/,
      );
      // A bill for September cannot be sent before September is over (4.6: 每计费账期结束后).
      expect(expectRefused(await ops(...base, "--bill-sent", "2025-09-30T10:00:00+08:00"))).toMatch(
        /^error: --bill-sent "2025-09-30T10:00:00\+08:00": expected an instant after the period ends \(2025-09-30/,
      );
    },
    CLI,
  );

  it(
    "a period before the contract took effect (2025-07-15): exit 1; a missing --period is a usage error (exit 2)",
    async () => {
      expect(
        expectRefused(await ops("deadlines", "--contract", SAMPLE_CONTRACT, "--period", "2025-06")),
      ).toBe(
        'error: --period "2025-06": expected a period from 2025-07 on (the contract takes effect 2025-07-15, R-TERM-1)',
      );
      const usage = await ops("deadlines", "--contract", SAMPLE_CONTRACT);
      expect(usage.code).toBe(2);
      expect(usage.stdout).toBe("");
      expect(usage.stderr).toContain("missing --period");
    },
    CLI,
  );
});
