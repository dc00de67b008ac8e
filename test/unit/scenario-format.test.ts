/**
 * The scenario format (docs/scenarios.md): JSON Merge Patch as RFC 7386 specifies it (its Appendix A
 * examples are the oracle), the shipped JSON Schema generated from the zod schema, one clear line per
 * bad field, and the defaults of a period a scenario does not name.
 */
import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadScenario, parseScenario, ScenarioInvalidError } from "../../infra/local/scenario/load";
import { mergePatch } from "../../infra/local/scenario/merge-patch";
import { periodPlan, resolveFigure } from "../../infra/local/scenario/plan";
import { scenarioJsonSchema } from "../../infra/local/scenario/schema";

describe("JSON Merge Patch (RFC 7386, Appendix A)", () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(cases)("%j patched with %j is %j", (target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result);
  });

  it("leaves the target unchanged (a scenario never edits the contract file's object)", () => {
    const target = { rules: { a: { value: 1 } } };
    mergePatch(target, { rules: { a: { value: 2 } } });
    expect(target).toEqual({ rules: { a: { value: 1 } } });
  });
});

describe("the shipped scenarios", () => {
  it("scenarios/scenario.schema.json is the one generated from the zod schema (npm run scenario:schema)", async () => {
    const shipped = JSON.parse(await readFile("scenarios/scenario.schema.json", "utf8"));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it("every file under scenarios/ is a valid scenario whose contract loads", async () => {
    const files = (await readdir("scenarios")).filter((f) => f.endsWith(".json") && !f.includes("schema"));
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files) {
      const loaded = await loadScenario(`scenarios/${file}`);
      expect(loaded.contract.contractId, file).toBe("11NA0700211920254001");
    }
  });
});

function problemsOf(json: unknown): string[] {
  try {
    parseScenario(json, "bad.json");
  } catch (error) {
    if (error instanceof ScenarioInvalidError) return error.problems;
    throw error;
  }
  throw new Error("the scenario was accepted");
}

const minimal = { contract: "contracts/11NA0700211920254001.json" };

describe("a bad scenario is refused with one line per bad field: path, value, what is expected", () => {
  it("a working day out of range", () => {
    expect(
      problemsOf({ ...minimal, periods: { "2025-10": { reply: { kind: "confirm", workingDay: 31 } } } }),
    ).toEqual(["periods.2025-10.reply.workingDay: 31: expected a whole number of working days from 0 to 30"]);
  });

  it("an unknown field, at the top and inside a period (a typo is never silently ignored)", () => {
    expect(problemsOf({ ...minimal, seeed: 7, periods: { "2025-10": { paymnets: [] } } }).sort()).toEqual([
      "periods.2025-10.paymnets: []: not a field of the scenario format",
      "seeed: 7: not a field of the scenario format",
    ]);
  });

  it("a dispute without Party A's amount, an unknown reply kind, a month that is not one, a bad reply in a list", () => {
    const problems = problemsOf({
      ...minimal,
      from: "2025-13",
      periods: {
        "2025-10": { reply: { kind: "dispute" } },
        "2025-11": { reply: { kind: "maybe" } },
        "2025-12": { reply: [{ kind: "unclear" }, { kind: "confirm", workingDay: -1 }] },
      },
    });
    expect(problems).toContain(
      "periods.2025-12.reply.1.workingDay: -1: expected a whole number of working days from 0 to 30",
    );
    expect(problems).toContain('from: "2025-13": expected a month as YYYY-MM');
    expect(problems).toContain("periods.2025-10.reply.amount: (missing): a dispute needs Party A's amount");
    expect(problems).toContain(
      'periods.2025-11.reply.kind: "maybe": expected one of confirm, dispute, unclear, none',
    );
  });

  it("a missing contract, a payment with both a date and a working day, a bad date", () => {
    const problems = problemsOf({
      periods: { "2025-10": { payments: [{ amount: "bill", date: "2025-11-31x", workingDay: 3 }] } },
    });
    expect(problems).toContain("contract: (missing): Invalid input: expected string, received undefined");
    expect(problems).toContain(
      'periods.2025-10.payments.0.date: "2025-11-31x": expected a date as YYYY-MM-DD',
    );
  });

  it("usage files: an encoding or an upload it does not know", () => {
    const files = { sms: "scenarios/usage/gbk-2025-09-sms.csv" };
    expect(
      problemsOf({ ...minimal, usageFiles: { "2025-09": { ...files, upload: "s3", encoding: "big5" } } }),
    ).toEqual(['usageFiles.2025-09.encoding: "big5": expected utf-8, gbk or gb18030']);
    expect(problemsOf({ ...minimal, usageFiles: { "2025-09": { ...files, upload: "ftp" } } })).toEqual([
      'usageFiles.2025-09.upload: "ftp": expected one of ops, s3',
    ]);
    // Accepted: the GBK export copied with its metadata or stored by `ops upload-usage --encoding gbk`, and a
    // file copied as it is without any.
    expect(() =>
      parseScenario({ ...minimal, usageFiles: { "2025-09": { ...files, upload: "s3", encoding: "gbk" } } }),
    ).not.toThrow();
    expect(() =>
      parseScenario({ ...minimal, usageFiles: { "2025-09": { ...files, upload: "s3" } } }),
    ).not.toThrow();
    expect(() =>
      parseScenario({ ...minimal, usageFiles: { "2025-09": { ...files, encoding: "gbk" } } }),
    ).not.toThrow();
  });

  it("a file that is not there, or not JSON: one line naming it", async () => {
    await expect(loadScenario("scenarios/no-such.json")).rejects.toThrow(
      /scenarios\/no-such.json: 1 problem\(s\)\n {2}\(file\): ENOENT/,
    );
    await expect(loadScenario("README.md")).rejects.toThrow(
      /README.md: 1 problem\(s\)\n {2}\(file\): not JSON/,
    );
  });

  it("a contract patch that breaks the contract names contractPatch and the contract's field", async () => {
    const { writeFile, mkdtemp } = await import("node:fs/promises");
    const dir = await mkdtemp("/tmp/scenario-");
    await writeFile(
      `${dir}/s.json`,
      JSON.stringify({ ...minimal, contractPatch: { rules: { termYears: { value: "one" } } } }),
    );
    await expect(loadScenario(`${dir}/s.json`)).rejects.toThrow(/contractPatch → .*termYears/);
  });
});

describe("a period the scenario does not name behaves as the plain run always did", () => {
  it("confirm 2 working days after the bill, pay the bill 6 after, invoice 3 after the payment", () => {
    expect(periodPlan(parseScenario(minimal), "2025-10")).toEqual({
      replies: [{ kind: "confirm", workingDay: 2 }],
      payments: [{ amount: "bill", workingDay: 6 }],
      invoice: { workingDay: 3 },
    });
  });

  it("no reply, no payment, no invoice when the scenario says so", () => {
    const scenario = parseScenario({
      ...minimal,
      periods: { "2025-10": { reply: { kind: "none" }, payments: [], invoice: null } },
    });
    expect(periodPlan(scenario, "2025-10")).toEqual({ replies: [], payments: [], invoice: null });
  });

  it("a percent of the bill is rounded down to the fen: 90 % of 6979.36 is 6281.42 (6281.424)", () => {
    expect(resolveFigure("90%", "6979.36")).toBe("6281.42");
    expect(resolveFigure("bill", "6979.36")).toBe("6979.36");
    // A value an operator typed goes to the operation untouched, to be refused there.
    expect(resolveFigure("-0", "6979.36")).toBe("-0");
  });
});
