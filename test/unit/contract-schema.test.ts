import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type Contract,
  ContractInvalidError,
  contractRule,
  contractSchema,
  contractService,
  loadContract,
  parseContract,
  termStartDate,
} from "../../functions/core/contract";

const SAMPLE = new URL("../../contracts/11NA0700211920254001.json", import.meta.url).pathname;
const FIXTURES = new URL("../fixtures/contracts/", import.meta.url).pathname;
// biome-ignore lint/suspicious/noExplicitAny: the tests break the raw JSON on purpose, field by field
const sampleJson = () => JSON.parse(readFileSync(SAMPLE, "utf8")) as Record<string, any>;

function problemsOf(json: unknown): Array<{ path: string; message: string }> {
  try {
    parseContract(json, "test");
  } catch (error) {
    expect(error).toBeInstanceOf(ContractInvalidError);
    return (error as ContractInvalidError).problems;
  }
  throw new Error("expected the contract to be invalid");
}

describe("the sample contract", () => {
  it("loads and carries the seed contract's facts", async () => {
    const contract = await loadContract(SAMPLE);
    expect(contract.contractId).toBe("11NA0700211920254001");
    expect(contract.budget).toBe("98000.00");
    expect(contract.access.smsSignature).toBe("吉林医保");
    expect(contractRule(contract, "billingStartsOn")).toBe("2025-08-01");
    expect(contractRule(contract, "reconciliationTolerancePercent")).toBe("5");
    expect(contractRule(contract, "smsPartLength")).toBe(70);
    expect(contractRule(contract, "nonRenewalNoticeDays")).toBe(30);
    expect(contractService(contract, "voice-outbound")?.unitPrice).toBe("0.06");
    expect(contract.parties.partyA.contact.email).toMatch(/\.example$/);
  });

  it("R-TERM-1: the term starts on the later signing date", async () => {
    const contract = await loadContract(SAMPLE);
    expect(termStartDate(contract)).toBe("2025-07-15");
    const swapped: Contract = { ...contract, signing: { ...contract.signing, partyASignedOn: "2025-07-20" } };
    expect(termStartDate(swapped)).toBe("2025-07-20");
  });
});

describe("invalid contracts are refused with every problem and its JSON path", () => {
  it("lists all problems at once: 9-character signature (R-SMS-2), negative price, unknown service, 0.1e1, bad date, wrong rule ID", async () => {
    const error = await loadContract(`${FIXTURES}invalid-many-problems.json`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractInvalidError);
    const { problems, message } = error as ContractInvalidError;
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "$.access.smsSignature",
        "$.budget",
        "$.services[1].unitPrice",
        "$.services[2].service",
        "$.rules.billingStartsOn.value",
        "$.rules.reconciliationTolerancePercent.rule",
      ]),
    );
    expect(problems.find((p) => p.path === "$.services[1].unitPrice")?.message).toMatch(/negative/);
    expect(problems.find((p) => p.path === "$.services[2].service")?.message).toMatch(
      /unknown service "mms"/,
    );
    expect(problems.find((p) => p.path === "$.budget")?.message).toContain("0.1e1");
    // One problem per line, each with its path.
    for (const problem of problems) expect(message).toContain(`${problem.path}: ${problem.message}`);
    expect(message.split("\n")).toHaveLength(problems.length + 1);
  });

  it("R-SMS-2: a 9-character signature is refused", () => {
    const json = sampleJson();
    json.access.smsSignature = "吉林省社会医疗保险";
    expect(problemsOf(json)).toEqual([
      {
        path: "$.access.smsSignature",
        message: "R-SMS-2: the signature must be 3–8 Chinese characters, got 9",
      },
    ]);
  });

  it.each([
    ["吉林", false],
    ["吉林医", true],
    ["吉林省医疗保险局", true],
    ["【吉林医保】", false],
    ["JLYB", false],
  ])("R-SMS-2: signature %s accepted: %s", (signature, ok) => {
    const json = sampleJson();
    json.access.smsSignature = signature;
    expect(contractSchema.safeParse(json).success).toBe(ok);
  });

  it("R-SMS-2: an English signature of at most 16 characters only with the englishSignature flag", () => {
    const json = sampleJson();
    json.access.smsSignature = "Jilin Medicare";
    expect(contractSchema.safeParse(json).success).toBe(false);
    json.access.englishSignature = true;
    expect(contractSchema.safeParse(json).success).toBe(true);
    json.access.smsSignature = "Jilin Medical Insurance";
    expect(problemsOf(json)[0]?.path).toBe("$.access.smsSignature");
  });

  it("R-MONEY-1: money as a JSON number or with an exponent is refused", () => {
    const json = sampleJson();
    json.budget = 98000;
    json.services[0].unitPrice = "4e3";
    const paths = problemsOf(json).map((p) => p.path);
    expect(paths).toEqual(["$.budget", "$.services[0].unitPrice"]);
  });

  it("refuses unknown fields (typos must not be ignored)", () => {
    const json = sampleJson();
    json.rules.smsPartLenght = { value: 70, rule: "R-SMS-1" };
    expect(problemsOf(json)).toEqual([{ path: "$.rules.smsPartLenght", message: "unknown field" }]);
  });

  it("refuses a missing tunable", () => {
    const json = sampleJson();
    delete json.rules.voiceRoundingSeconds;
    expect(problemsOf(json).map((p) => p.path)).toEqual(["$.rules.voiceRoundingSeconds"]);
  });

  it("R-TRIAL-1, R-BANK-1: cross-field checks — billing before the term, no account in force", async () => {
    const problems = await loadContract(`${FIXTURES}invalid-cross-field.json`).then(
      () => [],
      (e: ContractInvalidError) => e.problems,
    );
    expect(problems.map((p) => p.path).sort()).toEqual(
      ["$.parties.partyB.bankAccounts", "$.rules.billingStartsOn.value"].sort(),
    );
    const messages = problems.map((p) => p.message).join("\n");
    expect(messages).toContain(
      "R-TRIAL-1: billing cannot start (2025-07-01) before the term starts (2025-07-15",
    );
    expect(messages).toContain("R-BANK-1: no bank account is in force when the term starts (2025-07-15)");
  });

  it("refuses a service priced twice or in the wrong unit", () => {
    const json = sampleJson();
    json.services.push({ ...json.services[2] });
    json.services[1].unit = "message";
    expect(problemsOf(json).map((p) => p.path)).toEqual(["$.services[1].unit", "$.services[3].service"]);
  });

  it("reports a file that is not JSON at $", async () => {
    const error = await loadContract(`${FIXTURES}not-json.json`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractInvalidError);
    expect((error as ContractInvalidError).problems[0]?.path).toBe("$");
  });
});
