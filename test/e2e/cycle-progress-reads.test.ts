/**
 * `npm start`'s monthly progress line (ADR 0057) reads the cycles still open and the ones after them, by key:
 * a contract with two years of closed cycles behind it costs its line the same items as one in its second
 * month, and the counts are the hand counts of the cycles written here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { systemClock, useClock } from "../../functions/adapters/clock";
import { createCycle, setCycleFieldsOnce } from "../../functions/adapters/repository";
import { cycleProgressReader } from "../../infra/local/cycle-progress";
import { type LocalServices, startLocalServices } from "../../infra/local/services";
import { itemReadMeter } from "./item-read-meter";

let services: LocalServices;
const savedEnv = { ...process.env };
const meter = itemReadMeter();

beforeAll(async () => {
  services = await startLocalServices({ ports: { dynamodb: 0, s3: 0, ses: 0, smtp: 0 } });
  Object.assign(process.env, services.env);
  resetAwsClients();
  useClock({ now: () => new Date("2025-10-09T10:00:00+08:00") });
});

afterAll(async () => {
  meter.remove();
  useClock(systemClock);
  resetAwsClients();
  process.env = savedEnv;
  await services.stop();
});

/** `count` periods from `first` on (YYYY-MM). */
function periods(first: string, count: number): string[] {
  const [year, month] = first.split("-").map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const index = year * 12 + (month - 1) + i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
  });
}

async function bill(contractId: string, period: string): Promise<void> {
  await createCycle({
    contractId,
    period,
    billId: `${contractId}-${period}`,
    billTotalFen: 400_030n,
    billDue: `${period}-22T23:59:59+08:00`,
    billDueProvisional: false,
    statement: {},
    lastPeriod: false,
  });
}

async function close(contractId: string, period: string): Promise<void> {
  await setCycleFieldsOnce(contractId, period, "closedAt", { closedAt: `${period}-28T10:00:00+08:00` });
}

describe("the progress line's reads (ADR 0057)", () => {
  it("after two closed years, a month's line reads as many items as in a contract's second month", async () => {
    const young = "PROGRESS-YOUNG";
    const old = "PROGRESS-OLD";
    await bill(young, "2025-09");
    await close(young, "2025-09");
    await bill(young, "2025-10");
    const oldPeriods = periods("2023-10", 25);
    for (const period of oldPeriods) await bill(old, period);
    for (const period of oldPeriods.slice(0, 24)) await close(old, period);
    const youngLine = cycleProgressReader(young);
    const oldLine = cycleProgressReader(old);
    // The run's first line reads every cycle once.
    expect(await youngLine()).toEqual({ prepared: 2, closed: 1 });
    expect(await oldLine()).toEqual({ prepared: 25, closed: 24 });

    // A month on: each has billed one more period and closed the one open before.
    await close(young, "2025-10");
    await bill(young, "2025-11");
    await close(old, "2025-10");
    await bill(old, "2025-11");
    let youngProgress: unknown;
    let oldProgress: unknown;
    const youngReads = await meter.counted(async () => {
      youngProgress = await youngLine();
    });
    const oldReads = await meter.counted(async () => {
      oldProgress = await oldLine();
    });
    expect(youngProgress).toEqual({ prepared: 3, closed: 2 });
    expect(oldProgress).toEqual({ prepared: 26, closed: 25 });
    // The open 2025-10 and the new 2025-11 each.
    expect(youngReads).toBe(2);
    expect(oldReads).toBe(youngReads);
  });

  it("a period closed after a later one is counted once both are closed, and nothing before a gap is skipped", async () => {
    const contractId = "PROGRESS-HELD";
    await bill(contractId, "2025-07");
    await bill(contractId, "2025-08");
    await close(contractId, "2025-08");
    const line = cycleProgressReader(contractId);
    // 2025-07 held open while 2025-08 closed.
    expect(await line()).toEqual({ prepared: 2, closed: 1 });
    await close(contractId, "2025-07");
    expect(await line()).toEqual({ prepared: 2, closed: 2 });
    // 2025-09 missing, 2025-10 billed and closed: 2025-09 is still read when it comes.
    await bill(contractId, "2025-10");
    await close(contractId, "2025-10");
    expect(await line()).toEqual({ prepared: 3, closed: 3 });
    await bill(contractId, "2025-09");
    expect(await line()).toEqual({ prepared: 4, closed: 3 });
  });
});
