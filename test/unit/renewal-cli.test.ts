import { afterEach, describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import renewal from "../../bin/ops/renewal";
import { systemClock, useClock } from "../../functions/adapters/clock";

const contract = "contracts/11NA0700211920254001.json";

afterEach(() => useClock(systemClock));

describe("ops renewal", () => {
  it("R-TERM-4 / R-TERM-3 / R-NOTICE-3: term 1 of the sample contract", async () => {
    const output = await renewal.run(["--contract", contract, "--term", "1", "--json"]);
    expect(output.json).toMatchObject({
      term: 1,
      firstDay: "2025-07-15",
      lastDay: "2026-07-14",
      nextTermFirstDay: "2026-07-15",
      nonRenewalDeadline: { rule: "R-TERM-3", date: "2026-06-14", at: "2026-06-14T23:59:59+08:00" },
      reminderDate: "2026-05-01",
    });
    const json = output.json as { latestDispatch: Array<{ method: string; region: string | null }> };
    expect(json.latestDispatch).toContainEqual({
      method: "registered",
      region: "abroad",
      deemedDeliveryDays: 30,
      latestDispatchDate: "2026-05-15",
    });
    expect(output.text).toMatch(/registered\s+mainland\s+14\s+2026-05-31/);
  });

  it("R-TERM-2: without --term, the term in force today (Asia/Shanghai)", async () => {
    useClock({ now: () => new Date("2026-07-14T16:30:00Z") }); // 2026-07-15 00:30 in Shanghai: term 2
    expect(await renewal.run(["--contract", contract])).toMatchObject({
      json: { term: 2, firstDay: "2026-07-15" },
    });
    useClock({ now: () => new Date("2025-01-01T00:00:00Z") }); // before the contract takes effect
    expect(await renewal.run(["--contract", contract])).toMatchObject({ json: { term: 1 } });
  });

  it("rejects bad input (exit 1) and missing options (exit 2)", async () => {
    await expect(renewal.run(["--contract", contract, "--term", "0"])).rejects.toThrow(InputError);
    await expect(renewal.run(["--contract", contract, "--term", "x"])).rejects.toThrow(InputError);
    await expect(renewal.run(["--contract", "no/such.json"])).rejects.toThrow(InputError);
    await expect(renewal.run([])).rejects.toThrow(UsageError);
  });
});
