/**
 * Every rule of the design's contract-rules.md is a promise the code keeps: its ID is cited by code in
 * functions/ and by a test, and README's rule table says where it lives. A rule kept only as a record (a
 * tunable in the contract file, no behaviour yet) is listed below with the reason, so the gap is visible.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** The IDs of ../shared/design/contract-rules.md, in its order (copied from the document: the oracle). */
const RULES = [
  "R-PRICE-1",
  "R-PRICE-2",
  "R-PRICE-3",
  "R-SMS-1",
  "R-SMS-2",
  "R-TRIAL-1",
  "R-BUDGET-1",
  "R-MONEY-1",
  "R-PERIOD-1",
  "R-BILL-1",
  "R-RECON-1",
  "R-RECON-2",
  "R-RECON-3",
  "R-RECON-4",
  "R-RECON-5",
  "R-PAY-1",
  "R-PAY-2",
  "R-INV-1",
  "R-BANK-1",
  "R-CHANGE-1",
  "R-RETAIN-1",
  "R-UPLINK-1",
  "R-WD-1",
  "R-WD-2",
  "R-WD-3",
  "R-WD-4",
  "R-TERM-1",
  "R-TERM-2",
  "R-TERM-3",
  "R-TERM-4",
  "R-NOTICE-1",
  "R-NOTICE-2",
  "R-NOTICE-3",
  "R-NOTICE-4",
  "R-END-1",
  "R-BREACH-1",
  "R-LIAB-1",
  "R-FM-1",
  "R-SLA-1",
  "R-SLA-2",
  "R-CALL-1",
  "R-SMS-3",
  "R-THROTTLE-1",
] as const;

/** Rules the code keeps only as a record, with why; the README table names this file as their test. */
const RECORDS_ONLY: Partial<Record<(typeof RULES)[number], string>> = {};

const root = join(import.meta.dirname, "..", "..");

function sourceFiles(dir: string, accept: (path: string) => boolean): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path, accept);
    return accept(path) ? [path] : [];
  });
}

const cites = (text: string, rule: string) => new RegExp(`(?<![\\w-])${rule}(?![\\w-])`).test(text);
const read = (path: string) => readFileSync(join(root, path), "utf8");

const code = sourceFiles("functions", (p) => p.endsWith(".ts")).map((path) => ({ path, text: read(path) }));
const thisFile = relative(root, import.meta.filename);
const tests = sourceFiles("test", (p) => p.endsWith(".test.ts") && p !== thisFile).map((path) => ({
  path,
  text: read(path),
}));

/** README's "Rules: where each one lives" table: rule → the files its row names. */
function readmeRuleTable(): Map<string, string[]> {
  const readme = read("README.md");
  const section = readme.split("## Rules: where each one lives")[1]?.split(/\n## /)[0] ?? "";
  const rows = new Map<string, string[]>();
  for (const line of section.split("\n")) {
    const match = /^\|\s*(R-[A-Z]+-\d+)\s*\|(.*)$/.exec(line);
    if (match?.[1])
      rows.set(
        match[1],
        [...(match[2] ?? "").matchAll(/`([^`]+\.ts)`/g)].map((m) => m[1] as string),
      );
  }
  return rows;
}

describe("every rule of contract-rules.md is kept by code and proved by a test", () => {
  it.each(RULES)("%s is cited by code in functions/", (rule) => {
    expect(code.filter((f) => cites(f.text, rule)).map((f) => f.path)).not.toEqual([]);
  });

  it.each(RULES.filter((rule) => RECORDS_ONLY[rule] === undefined))("%s is cited by a test", (rule) => {
    expect(tests.filter((f) => cites(f.text, rule)).map((f) => f.path)).not.toEqual([]);
  });

  it("the rules kept only as records are rules of the document, each with a reason", () => {
    for (const [rule, reason] of Object.entries(RECORDS_ONLY)) {
      expect(RULES).toContain(rule);
      expect(reason.length).toBeGreaterThan(20);
    }
  });
});

describe("README's rule table says where each rule lives", () => {
  const table = readmeRuleTable();

  it("has one row per rule and no other", () => {
    expect([...table.keys()].sort()).toEqual([...RULES].sort());
  });

  it.each(RULES)("%s: every file its row names exists and cites it", (rule) => {
    const files = table.get(rule) ?? [];
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const path of files) {
      if (path === thisFile) {
        expect(RECORDS_ONLY[rule]).toBeDefined();
        continue;
      }
      expect(cites(read(path), rule), `${path} cites ${rule}`).toBe(true);
    }
  });
});
