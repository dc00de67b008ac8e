/**
 * The run report's obligations (infra/local/obligation-staff.ts `obligationsView`) read the contract and its
 * tickets once for a run of any length (ADR 0098): a year of months costs the reads of one. The repository
 * is stubbed here (this module's unit test); the report's content is held by the scenario tests.
 */
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { parseContract } from "../../functions/core/contract";

const contract = parseContract(
  JSON.parse(readFileSync(new URL("../../contracts/11NA0700211920254001.json", import.meta.url), "utf8")),
);

const reads = vi.hoisted(() => ({ contract: 0, tickets: 0, cycles: 0 }));

vi.mock("../../functions/adapters/repository", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../functions/adapters/repository")>()),
  getContract: async () => {
    reads.contract++;
    return { contract, term: 1, status: "active" };
  },
  listCycles: async () => {
    reads.cycles++;
    return [];
  },
}));
vi.mock("../../functions/adapters/repository/tickets", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../functions/adapters/repository/tickets")>()),
  listTickets: async () => {
    reads.tickets++;
    // 3.18 (R-SLA-2): an SMS-gateway fault repaired in 7 h, 1 h of it travel: 360 minutes counted.
    return [
      {
        ticketId: "T-1",
        kind: "sms-gateway-fault",
        openedAt: "2025-09-10T10:00:00+08:00",
        closedAt: "2025-09-10T17:00:00+08:00",
        travelMinutes: 60,
        dueAt: null,
        provisional: false,
        what: "gateway down",
      },
    ];
  },
}));
vi.mock("../../functions/app/breach-register", () => ({
  breachRegister: async () => ({ breaches: [] }),
}));
vi.mock("../../functions/app/service-changes", () => ({
  serviceChangesView: async () => ({}),
}));

const { obligationsView } = await import("../../infra/local/obligation-staff");

const months = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const month = from + i;
    return `${2025 + Math.floor((month - 1) / 12)}-${String(((month - 1) % 12) + 1).padStart(2, "0")}`;
  });

describe("the run report's obligations (R-SLA-2 service levels, bill notes)", () => {
  beforeEach(() => {
    reads.contract = 0;
    reads.tickets = 0;
    reads.cycles = 0;
  });

  it("reads the contract, its tickets and cycles once for a year of months", async () => {
    const view = await obligationsView(
      contract.contractId,
      months(7, 12),
      new Date("2026-08-01T00:00:00+08:00"),
    );
    expect(reads).toEqual({ contract: 1, tickets: 1, cycles: 1 });
    // The fault shows in September only, with 360 minutes counted against 3.18's 6 hours.
    expect(view.serviceLevels.map((s) => s.period)).toEqual(["2025-09"]);
    expect(view.serviceLevels[0]?.smsGateway).toMatchObject({
      faults: 1,
      averageRepairMinutes: 360,
      met: true,
    });
  });

  it("reads no more for twelve months than for one", async () => {
    await obligationsView(contract.contractId, ["2025-09"], new Date("2025-11-01T00:00:00+08:00"));
    const one = { ...reads };
    reads.contract = 0;
    reads.tickets = 0;
    reads.cycles = 0;
    await obligationsView(contract.contractId, months(7, 12), new Date("2026-08-01T00:00:00+08:00"));
    expect(reads).toEqual(one);
  });
});
