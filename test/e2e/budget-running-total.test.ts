/**
 * R-BUDGET-1 (合同 一、二: the contract total of fiscal funds) counts every bill of the contract, also once
 * DynamoDB's TTL has deleted the old cycles (R-RETAIN-1 keeps billing data 12 months, ADR 0033): the bill
 * step keeps a running total keyed by period (ADR 0054).
 *
 * Worked by hand: the sample contract with its total patched to 7,000.00 (80 % = 5,600.00). The small month
 * bills 4,000.30 (test/e2e/harness.ts). August 2025's bill is produced in September 2025, so its cycle expires
 * at the end of September 2026 plus 31 days: 2026-10-31 23:59:59 +08:00. October 2026's bill, prepared on
 * 2026-11-03 after the sweep, brings the billed total to 4,000.30 + 4,000.30 = 8,000.60 = 114.3 %: the 80 %
 * and the 100 % warnings, once each, to both contacts. Without August it would be 57.1 %: no warning.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { systemClock, useClock } from "../../functions/adapters/clock";
import { findCycle, registerContract } from "../../functions/adapters/repository";
import { prepareBill } from "../../functions/app/cycle/bill";
import { closeCycle } from "../../functions/app/cycle/close";
import { type Contract, loadContract } from "../../functions/core/contract";
import { type LocalServices, startLocalServices } from "../../infra/local/services";
import { PARTY_A, PARTY_B, SAMPLE_CONTRACT, uploadSmallMonth } from "./harness";

let services: LocalServices;
let contract: Contract;
let instant = new Date("2025-09-03T09:00:00+08:00");
const savedEnv = { ...process.env };

beforeAll(async () => {
  services = await startLocalServices({ timeToLiveAttribute: "expiresAt" });
  Object.assign(process.env, services.env);
  resetAwsClients();
  useClock({ now: () => instant });
  contract = { ...(await loadContract(SAMPLE_CONTRACT)), budget: "7000.00" };
  await registerContract(contract);
});

afterAll(async () => {
  useClock(systemClock);
  resetAwsClients();
  process.env = savedEnv;
  await services.stop();
});

const warnings = async () =>
  (await services.sentEmails()).filter((email) => email.subject.startsWith("合同金额使用已达"));

describe("R-BUDGET-1: the billed total outlives the cycles TTL deletes", () => {
  it("a bill prepared twice, once concurrently, counts once; no warning below 80 %", async () => {
    const { contractId } = contract;
    await uploadSmallMonth(contract, "2025-08");
    await Promise.all([
      prepareBill({ contractId, period: "2025-08" }),
      prepareBill({ contractId, period: "2025-08" }),
    ]);
    await prepareBill({ contractId, period: "2025-08" });
    await closeCycle({ contractId, period: "2025-08" });
    // 4,000.30 of 7,000.00 is 57.1 %.
    expect(await warnings()).toEqual([]);
  });

  it("after August's cycle expired and was swept, October's bill still counts it: 8,000.60 warns at 80 % and 100 %", async () => {
    const { contractId } = contract;
    instant = new Date("2026-11-03T09:00:00+08:00");
    const sweep = services.sweepExpiredItems;
    if (!sweep) throw new Error("the table has no TTL sweep");
    await sweep(instant);
    expect(await findCycle(contractId, "2025-08")).toBeUndefined();

    await uploadSmallMonth(contract, "2026-10");
    await prepareBill({ contractId, period: "2026-10" });
    await closeCycle({ contractId, period: "2026-10" });
    const sent = await warnings();
    expect(sent.map((email) => email.subject.split("：")[0]).sort()).toEqual([
      "合同金额使用已达 100%",
      "合同金额使用已达 80%",
    ]);
    for (const email of sent) {
      expect(email.to).toEqual(expect.arrayContaining([PARTY_A, PARTY_B]));
      expect(email.subject).toContain("累计 8,000.60 元 / 7,000.00 元");
    }
  });

  it("a threshold warned once is not warned again when its outbox record has expired", async () => {
    const { contractId } = contract;
    // The warnings were recorded in November 2026; their outbox items expire at the end of December 2027
    // (November not counted, 12 months after) plus 31 days: 2028-01-31 23:59:59 +08:00.
    instant = new Date("2028-02-02T09:00:00+08:00");
    await services.sweepExpiredItems?.(instant);
    await uploadSmallMonth(contract, "2028-01");
    await prepareBill({ contractId, period: "2028-01" });
    await closeCycle({ contractId, period: "2028-01" });
    // Still the two of November 2026 (each to both contacts), none again.
    expect(await warnings()).toHaveLength(2);
  });
});
