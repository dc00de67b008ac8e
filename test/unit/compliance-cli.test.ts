/**
 * `ops compliance` (R-CALL-1, R-SMS-3, R-THROTTLE-1). Expected values are counted by hand from the fixture
 * rows and the contract text (附件七第六条: >500 calls per calling number, >10 per callee a day; 2.23/2.24;
 * 附件三), never produced by the code under test.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import compliance from "../../bin/ops/compliance";
import { tsx } from "../tsx-cli";

const CONTRACT = "contracts/11NA0700211920254001.json";
const FIXTURES = "test/fixtures/compliance";
const SMS = `${FIXTURES}/sms-2025-09.csv`;
const COMPLAINTS = `${FIXTURES}/complaints.csv`;

interface Report {
  throttle: { port: string; days: Array<{ date: string; state: string }> };
  callViolations: Array<{ date: string; rule: string; number: string; calls: number }>;
  marketingChecked: boolean;
  marketingViolations: Array<{ line: number; reason: string }>;
  rejected: Array<{ file: string; line: number; reason: string }>;
}

/**
 * A voice CDR built row by row, so the counts are known by construction:
 * - 09-02: 1239301 places 501 calls, each to a different callee → per-calling-number, 501;
 * - 09-03: 1239302 places 500 calls (exactly the limit) → nothing;
 * - 09-04: 11 calls to 13812345678 from 11 of Party A's numbers, the last at 23:59:59 Beijing written in UTC
 *   → per-callee, 11; one more at 00:00 Beijing of 09-05 (16:00Z) counts for 09-05;
 * - 09-05: 13887654321 gets 10 calls (exactly the limit) → nothing;
 * - 09-06: 20 inbound calls from 13811112222 (被叫, not Party A's calling) → nothing;
 * - one malformed row (rejected, not counted).
 */
function voiceFile(): string {
  const rows = ["call_start,duration_seconds,direction,calling_number,called_number"];
  for (let i = 0; i < 501; i++)
    rows.push(`2025-09-02T09:00:00+08:00,30,outbound,1239301,139${String(i).padStart(8, "0")}`);
  for (let i = 0; i < 500; i++)
    rows.push(`2025-09-03T09:00:00+08:00,30,outbound,1239302,137${String(i).padStart(8, "0")}`);
  for (let i = 0; i < 10; i++) rows.push(`2025-09-04T10:00:00+08:00,30,outbound,12393${10 + i},13812345678`);
  rows.push("2025-09-04T15:59:59Z,30,outbound,1239320,13812345678");
  rows.push("2025-09-04T16:00:00Z,30,outbound,1239320,13812345678");
  for (let i = 0; i < 10; i++) rows.push(`2025-09-05T10:00:00+08:00,30,outbound,12393${30 + i},13887654321`);
  for (let i = 0; i < 20; i++) rows.push("2025-09-06T10:00:00+08:00,30,inbound,13811112222,12393");
  rows.push("2025-09-07T10:00:00+08:00,thirty,outbound,1239301,13812345678");
  const dir = mkdtempSync(join(tmpdir(), "compliance-"));
  const path = join(dir, "voice-2025-09.csv");
  writeFileSync(path, `${rows.join("\n")}\n`);
  return path;
}

const run = (...args: string[]) => compliance.run(["--contract", CONTRACT, "--period", "2025-09", ...args]);

describe("ops compliance", () => {
  // maskPhone keeps 3 + 4 digits of numbers of 8 or more and masks shorter ones (Party A's 7-digit lines) whole.
  it("R-CALL-1: lists per day the calling numbers over 500 calls and the callees over 10, numbers masked", async () => {
    const output = await run("--voice", voiceFile());
    const report = output.json as Report;
    expect(report.callViolations).toEqual([
      { date: "2025-09-02", rule: "per-calling-number", number: "*******", calls: 501 },
      { date: "2025-09-04", rule: "per-callee", number: "138****5678", calls: 11 },
    ]);
    expect(report.rejected).toEqual([
      // header (line 1) + 501 + 500 + 10 + 2 + 10 + 20 rows (lines 2..1044) → the malformed row is line 1045
      { file: "voice", line: 1045, reason: "duration_seconds is not a non-negative whole number" },
    ]);
    expect(output.text).toContain("138****5678");
    expect(JSON.stringify(output.json)).not.toContain("13812345678");
    expect(output.text).not.toContain("13812345678");
  });

  it("R-SMS-3: marketing SMS without the opt-out, with a trailing advertisement, mixed categories on a port", async () => {
    const report = (await run("--sms", SMS)).json as Report;
    expect(report.marketingChecked).toBe(true);
    expect(report.marketingViolations).toEqual([
      { line: 4, reason: 'marketing message without "拒收请回复R" at the end (2.23)' },
      { line: 5, reason: 'text after "拒收请回复R" (a trailing advertisement, 2.24)' },
      {
        line: 6,
        reason:
          "port 106508235800021 sends service messages besides marketing (2.24: one port, one category)",
      },
      {
        line: 7,
        reason: "port 10650823580002 sends marketing messages besides service (2.24: one port, one category)",
      },
      { line: 7, reason: "marketing message logged without its content (2.23)" },
    ]);
    expect(report.rejected).toEqual([
      { file: "sms", line: 9, reason: "category must be one of marketing, service, management" },
      { file: "sms", line: 11, reason: "outside period 2025-09" },
    ]);
  });

  it("R-SMS-3: an SMS log without port,category columns is read, and said not checked", async () => {
    const output = await run("--sms", "test/fixtures/usage/sms-2025-09.csv");
    expect((output.json as Report).marketingChecked).toBe(false);
    expect(output.text).toContain("not checked");
  });

  it("R-THROTTLE-1: the port's state on every day of the period from the whole complaint history", async () => {
    // 08-25: 10:00+08:00 and 23:30 without offset (Beijing) → 2 that day → 50 % from 08-26 (附件三 2(1));
    // 14 quiet days 08-26..09-08 → full from 09-09 (3(1)); 09-10: 09:00 Beijing (01:00Z, sub-port) and
    // 00:30 Beijing (16:30Z of 09-09) → 2 on 09-10 → relapse straight to 2/s from 09-11 (3(3)).
    const output = await run("--complaints", COMPLAINTS);
    const report = output.json as Report;
    expect(report.throttle.port).toBe("10650823580002");
    const days = report.throttle.days;
    expect(days).toHaveLength(30);
    const expected = (date: string) => (date <= "2025-09-08" ? "50%" : date <= "2025-09-10" ? "full" : "2/s");
    expect(days.map((d) => d.state)).toEqual(days.map((d) => expected(d.date)));
    expect(days[0]?.date).toBe("2025-09-01");
    expect(days[29]?.date).toBe("2025-09-30");
    expect(output.text).toContain("2025-09-11 – 2025-09-30  2/s");
  });

  it("R-THROTTLE-1: without complaints the port is at full rate all month", async () => {
    const report = (await run()).json as Report;
    expect(report.throttle.days.every((d) => d.state === "full")).toBe(true);
    expect(report.callViolations).toEqual([]);
  });

  it("rejects bad input with exit 1 naming the field, and usage errors with exit 2", async () => {
    await expect(compliance.run(["--contract", CONTRACT])).rejects.toThrow(UsageError);
    await expect(run("--bogus")).rejects.toThrow(UsageError);
    await expect(compliance.run(["--contract", CONTRACT, "--period", "2025-13"])).rejects.toThrow(
      /^--period "2025-13": expected /,
    );
    await expect(run("--complaints", `${FIXTURES}/complaints-bad-instant.csv`)).rejects.toThrow(
      new InputError(
        '--complaints: complaints line 3: received_at "2025-09-31T10:00:00+08:00" is not an ISO-8601 instant (e.g. 2025-09-03T10:15:00+08:00; Beijing time without an offset)',
      ),
    );
    await expect(run("--complaints", `${FIXTURES}/complaints-other-port.csv`)).rejects.toThrow(
      /^--complaints: complaints line 2: port 10657000000001 is not this contract's SMS port 10650823580002/,
    );
    await expect(run("--complaints", SMS)).rejects.toThrow(
      /^--complaints: complaints: the first line must be exactly "received_at,port"/,
    );
    await expect(run("--voice", SMS)).rejects.toThrow(InputError);
    await expect(run("--voice", "no/such/file.csv")).rejects.toThrow(
      /^--voice "no\/such\/file.csv": expected /,
    );
  });

  it("through bin/ops.ts: a bad complaints line is exit 1 with one line on stderr, no stack trace", async () => {
    const failure = await tsx([
      "bin/ops.ts",
      "compliance",
      "--contract",
      CONTRACT,
      "--period",
      "2025-09",
      "--complaints",
      `${FIXTURES}/complaints-bad-instant.csv`,
    ]).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stdout: "" });
    const stderr = (failure as { stderr: string }).stderr;
    expect(stderr.trimEnd().split("\n")).toEqual([
      'error: --complaints: complaints line 3: received_at "2025-09-31T10:00:00+08:00" is not an ISO-8601 instant (e.g. 2025-09-03T10:15:00+08:00; Beijing time without an offset)',
    ]);
  });
});
