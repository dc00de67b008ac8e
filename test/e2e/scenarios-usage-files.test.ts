/**
 * Usage files as Party B's systems put them into the usage bucket (`aws s3 cp`), played as shipped
 * scenarios on the embedded stack: a GBK export from Excel on Chinese Windows, once with the object
 * metadata `encoding=gbk` and once without (docs/usage-csv.md). The file is scenarios/usage/gbk-2025-09-*.csv.
 * Oracles by hand from the contract and the bytes, decoded here with iconv-lite (not the stack's decoder):
 * each SMS is 40 Chinese characters — with the 6-character signature 【吉林医保】 within the 70 characters of
 * one billed SMS (合同第四条4.1款注（1）, R-SMS-1) — and GBK writes each as 2 bytes.
 */
import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { renderTextReport } from "../../infra/local/report";
import { PARTY_A, PARTY_B, periodRow, playScenarioWithMail, statementOf } from "./harness";

const RUN = 180_000;
const SMS_FILE = "scenarios/usage/gbk-2025-09-sms.csv";

describe("the shipped GBK export (the oracles' premises)", () => {
  it("holds 2 downlink messages of 40 characters in GBK with CRLF, and is not UTF-8", () => {
    const bytes = readFileSync(SMS_FILE);
    const rows = iconv.decode(bytes, "gbk").split("\r\n").filter(Boolean);
    expect(rows[0]).toBe("sent_at,recipient,direction,content,content_chars");
    const contents = rows.slice(1).map((row) => row.split(","));
    expect(contents.map((fields) => [fields[2], [...(fields[3] ?? "")].length])).toEqual([
      ["downlink", 40],
      ["downlink", 40],
    ]);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
  });
});

describe("scenario: a GBK SMS log in the usage bucket with object metadata encoding=gbk (R-SMS-1, R-PRICE-3)", () => {
  it(
    "2 messages of 40 characters bill 2 SMS, not 4: 4000.00 + 1 minute × 0.06 + 2 × 0.04 = 4000.14",
    async () => {
      const { report, sent } = await playScenarioWithMail("scenarios/usage-gbk.json");
      expect(report.failures).toEqual([]);
      const september = periodRow(report, "2025-09");
      // Voice: one outbound call of 60 s = 1 minute × 0.06 (R-PRICE-2). SMS: (40 + 6 + 2) ≤ 70 → 1 part each.
      expect(september.lines).toEqual([
        { kind: "monthly-fee", amount: "4000.00" },
        { kind: "voice", amount: "0.06" },
        { kind: "sms", amount: "0.08" },
      ]);
      expect(september).toMatchObject({ billTotal: "4000.14", paid: "4000.14", closed: true });
      // What Party A reads: 2 SMS at 0.04.
      const statement = statementOf(sent, "2025-09");
      expect(statement.text).toMatch(/短信[^\n]*：2 条 × 0\.04 元 = 0\.08 元/);
      expect(statement.subject).toContain("结算总金额 4,000.14 元");
    },
    RUN,
  );
});

describe("scenario: the same GBK export without the metadata is refused, not miscounted (R-BILL-1, ADR 0026)", () => {
  it(
    "the bill is not prepared: line 2, byte offset 98 named to Party B and in the failed execution; nothing goes to Party A",
    async () => {
      // Byte offsets from 0: the header is 49 characters + CRLF = bytes 0–50; line 2's prefix
      // "2025-09-03T10:00:00+08:00,13800000001,downlink," is 47 bytes (51–97); the first GBK byte is 98.
      expect(readFileSync(SMS_FILE).findIndex((byte) => byte >= 0x80)).toBe(98);
      const { report, sent } = await playScenarioWithMail("scenarios/usage-not-utf8.json");
      expect(report.periods).toEqual([]);
      expect(report.failures).toHaveLength(1);
      expect(report.failures[0]).toMatchObject({
        stateMachine: "ContractOps-MonthlyCycle",
        name: "11NA0700211920254001-2025-09",
        status: "FAILED",
        error: "UsageFileError",
      });
      expect(report.failures[0]?.cause).toContain(
        "SMS log file is not valid UTF-8 at line 2, byte offset 98",
      );
      // What `npm start` prints: the error's message, not the Lambda error's JSON with its stack trace.
      const printed = renderTextReport(report)
        .split("\n")
        .filter((line) => line.startsWith("FAILED: "));
      expect(printed).toEqual([
        "FAILED: ContractOps-MonthlyCycle 11NA0700211920254001-2025-09: UsageFileError: SMS log file is not valid UTF-8 at line 2, byte offset 98: save it as UTF-8 or name its encoding (ops rate --encoding gbk|gb18030; in the usage bucket, object metadata encoding=gbk|gb18030)",
      ]);
      const told = sent.filter((e) => e.subject.startsWith("【需处理】2025年9月账单未能生成"));
      expect(told).toHaveLength(1);
      expect(told[0]?.to).toEqual([PARTY_B]);
      expect(told[0]?.text).toContain("line 2, byte offset 98");
      expect(told[0]?.text).toContain("11NA0700211920254001-2025-09");
      expect(sent.filter((e) => e.to.includes(PARTY_A))).toEqual([]);
    },
    RUN,
  );
});
