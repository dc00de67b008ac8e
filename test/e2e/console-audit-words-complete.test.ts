/**
 * Every audit event and received reply a run writes has a Chinese rendering on the console's Chinese
 * pages — no text falls back to English. One embedded stack plays August to December 2025 with what the
 * sample year, the breach-register scenario and the browser test's obligations scenario do in those
 * months, so the texts of each kind appear: replies (within tolerance, disputed and re-reconciled, none,
 * unclear), late payments and their breaches, written breach notices, a cure and objections, force
 * majeure, tickets, bank-account and contact changes, service changes and an SMS tariff adjustment (3.11),
 * and a written non-renewal notice (R-NOTICE-2).
 *
 * Oracle: the stored events themselves, read from DynamoDB through the console's model; the test asks
 * only whether the table knows each text, and that what it shows carries no internal rule ID.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditWhatZh } from "../../console/audit-words";
import { type ContractDetail, contractDetail } from "../../functions/app/console-model";
import { loadContract } from "../../functions/core/contract";
import { runContractYear } from "../../infra/local/contract-year";
import { parseScenario } from "../../infra/local/scenario/load";
import { SAMPLE_CONTRACT } from "./harness";

// biome-ignore lint/suspicious/noExplicitAny: scenario JSON files, merged here before parseScenario checks them
type Json = Record<string, any>;
const json = async (path: string): Promise<Json> => JSON.parse(await readFile(path, "utf8")) as Json;

let detail: ContractDetail;
let release: () => void;
let run: Promise<unknown>;

beforeAll(async () => {
  const contract = await loadContract(SAMPLE_CONTRACT);
  const sample = await json("scenarios/sample-year.json");
  const register = await json("scenarios/breach-register.json");
  const obligations = await json("test/fixtures/scenarios/console-obligations.json");
  const changes = await json("scenarios/service-changes.json");
  const scenario = parseScenario({
    contract: obligations.contract,
    from: "2025-08",
    to: "2025-12",
    seed: 11,
    usage: { voiceCallsPerMonth: 60, smsPerMonth: 20 },
    usageFiles: obligations.usageFiles,
    periods: {
      ...register.periods,
      ...sample.periods,
      // January's unclear reply, then a confirmation, in December (the run stops there).
      "2025-12": { ...sample.periods["2025-12"], reply: sample.periods["2026-01"].reply },
    },
    events: [
      ...register.events,
      ...obligations.events,
      ...changes.events.filter((e: Json) => e.command === "record-tariff-adjustment"),
    ].sort((a: Json, b: Json) => String(a.at).localeCompare(String(b.at))),
    notices: [
      {
        kind: "non-renewal",
        by: "partyA",
        method: "registered",
        region: "mainland",
        dispatched: "2025-11-20",
      },
    ],
  });
  const up = new Promise<void>((resolveUp, rejectUp) => {
    run = runContractYear({
      contract,
      scenario,
      inspect: async (app) => {
        detail = await contractDetail(contract.contractId, app.clock.now());
        resolveUp();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    }).catch((error: unknown) => rejectUp(error));
  });
  await up;
}, 120_000);

afterAll(async () => {
  release?.();
  await run;
});

describe("every audit text a run writes reads in Chinese on the Chinese pages", () => {
  it("the run wrote the kinds of texts this test is about", () => {
    const whats = detail.history.map((e) => e.what).join("\n");
    for (const kind of [
      "notified a new bank account",
      "notified a new contact",
      "force majeure from",
      "ticket ",
      "written breach notice recorded",
      "written objection received",
      "breach recorded:",
      "reconciliation reply:",
      "Party A requested to",
      "SMS tariff adjusted",
      "written non-renewal notice recorded",
    ]) {
      expect(whats, kind).toContain(kind);
    }
    expect(detail.received.length).toBeGreaterThan(0);
  });

  it("has a Chinese rendering, without a rule ID, for every audit event and received reply", () => {
    const texts = [...detail.history.map((e) => e.what), ...detail.received.map((r) => r.what)];
    const untranslated = texts.filter((what) => auditWhatZh(what) === undefined);
    expect(untranslated).toEqual([]);
    const withRuleIds = texts
      .map((what) => auditWhatZh(what) ?? "")
      .filter((words) => /R-[A-Z]+-\d/.test(words));
    expect(withRuleIds).toEqual([]);
  });
});
