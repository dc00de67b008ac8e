/**
 * out/report.html takes the cycles and audit history `npm start`'s report has just read (ADR 0057): the page
 * drawn from them is the page drawn from its own reads, character for character, and it reads that many items
 * fewer. The oracle is the page's own reads of the same records.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractReportHtml } from "../../console/export";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { systemClock, useClock } from "../../functions/adapters/clock";
import {
  appendAuditEvent,
  auditHistory,
  createCycle,
  listCycles,
  registerContract,
} from "../../functions/adapters/repository";
import { loadContract } from "../../functions/core/contract";
import { type LocalServices, startLocalServices } from "../../infra/local/services";
import { SAMPLE_CONTRACT } from "./harness";
import { itemReadMeter } from "./item-read-meter";

let services: LocalServices;
const savedEnv = { ...process.env };
const meter = itemReadMeter();
const AT = new Date("2025-10-09T10:00:00+08:00");

beforeAll(async () => {
  services = await startLocalServices({ ports: { dynamodb: 0, s3: 0, ses: 0, smtp: 0 } });
  Object.assign(process.env, services.env);
  resetAwsClients();
  useClock({ now: () => AT });
});

afterAll(async () => {
  meter.remove();
  useClock(systemClock);
  resetAwsClients();
  process.env = savedEnv;
  await services.stop();
});

describe("the report page's reads (ADR 0057)", () => {
  it("drawn from the report's cycles and history, the page is the same and reads those items fewer", async () => {
    const contract = await loadContract(SAMPLE_CONTRACT);
    await registerContract(contract);
    await createCycle({
      contractId: contract.contractId,
      period: "2025-09",
      billId: `${contract.contractId}-2025-09`,
      billTotalFen: 400_030n,
      billDue: "2025-10-22T23:59:59+08:00",
      billDueProvisional: false,
      statement: {},
      lastPeriod: false,
    });
    await appendAuditEvent({
      contractId: contract.contractId,
      period: "2025-09",
      who: "system",
      what: "bill prepared",
      rule: "R-BILL-1",
    });
    const read = {
      cycles: await listCycles(contract.contractId),
      history: await auditHistory(contract.contractId),
    };
    expect([read.cycles.length, read.history.length]).toEqual([1, 1]);

    let own = "";
    let given = "";
    const ownReads = await meter.counted(async () => {
      own = await contractReportHtml(contract.contractId, AT);
    });
    const givenReads = await meter.counted(async () => {
      given = await contractReportHtml(contract.contractId, AT, read);
    });
    expect(given).toBe(own);
    expect(own).toContain("2025-09");
    expect(ownReads - givenReads).toBe(2);
  });
});
