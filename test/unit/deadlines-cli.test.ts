import { describe, expect, it } from "vitest";
import { instantValue } from "../../bin/ops/_values";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import deadlines from "../../bin/ops/deadlines";
import type { Deadline } from "../../functions/core/deadlines";

const contract = "contracts/11NA0700211920254001.json";

describe("ops deadlines", () => {
  it("R-BILL-1 / R-RECON-1 / R-PAY-1: September 2025 with the bill assumed sent on its due day", async () => {
    const output = await deadlines.run(["--contract", contract, "--period", "2025-09", "--json"]);
    const json = output.json as { period: string; contractId: string; deadlines: Deadline[] };
    expect(json.period).toBe("2025-09");
    expect(json.contractId).toBe("11NA0700211920254001");
    expect(json.deadlines[0]).toEqual({
      rule: "R-BILL-1",
      name: "bill due",
      date: "2025-10-21",
      at: "2025-10-21T23:59:59+08:00",
      kind: "deadline",
      provisional: false,
    });
    expect(json.deadlines.find((d) => d.rule === "R-PAY-1")).toMatchObject({
      date: "2025-11-04",
      assumed: true,
    });
    expect(output.text).toContain("assumed bill sent on due day");
  });

  it("R-INV-1 / R-RECON-3: recorded instants add the invoice and re-reconciliation deadlines", async () => {
    const output = await deadlines.run([
      "--contract",
      contract,
      "--period",
      "2026-01",
      "--bill-sent",
      "2026-02-10T09:00:00+08:00",
      "--dispute-received",
      "2026-02-24T03:00:00Z",
      "--paid",
      "2026-02-27",
    ]);
    expect(output.text).toMatch(/R-INV-1\s+invoice due\s+2026-03-12/);
    expect(output.text).toMatch(/R-RECON-3\s+re-reconciliation due\s+2026-03-09/);
    expect(output.text).not.toContain("assumed");
  });

  it("R-WD-3: a December 2026 cycle is marked provisional", async () => {
    const output = await deadlines.run(["--contract", contract, "--period", "2026-12"]);
    expect(output.text).toMatch(/R-BILL-1\s+bill due\s+2027-01-15.*PROVISIONAL/);
  });

  it("rejects bad input (exit 1) and missing or unknown options (exit 2)", async () => {
    await expect(deadlines.run(["--contract", contract, "--period", "2025-13"])).rejects.toThrow(InputError);
    await expect(deadlines.run(["--contract", "no/such/file.json", "--period", "2025-09"])).rejects.toThrow(
      InputError,
    );
    await expect(
      deadlines.run(["--contract", contract, "--period", "2025-09", "--bill-sent", "2025-10-21T10:00:00"]),
    ).rejects.toThrow(InputError);
    await expect(deadlines.run(["--contract", contract])).rejects.toThrow(UsageError);
    await expect(deadlines.run(["--period", "2025-09"])).rejects.toThrow(UsageError);
    await expect(
      deadlines.run(["--contract", contract, "--period", "2025-09", "--when", "x"]),
    ).rejects.toThrow(UsageError);
  });

  it("reads instants only with an explicit offset, or a bare Asia/Shanghai day", () => {
    expect(instantValue("--x", "2025-10-21T10:00:00+08:00").toISOString()).toBe("2025-10-21T02:00:00.000Z");
    expect(instantValue("--x", "2025-10-21T02:00Z").toISOString()).toBe("2025-10-21T02:00:00.000Z");
    expect(instantValue("--x", "2025-10-21").toISOString()).toBe("2025-10-20T16:00:00.000Z");
    for (const bad of [
      "2025-10-21T10:00:00",
      "2025-02-30T10:00+08:00",
      "2025-10-21T24:00+08:00",
      "yesterday",
      "2025-02-30",
    ]) {
      expect(() => instantValue("--x", bad), bad).toThrow(InputError);
    }
  });

  // The sample contract takes effect 2025-07-15 (the later signing date, R-TERM-1).
  it("R-TERM-1: refuses a period before the contract takes effect, naming the field and the first period", async () => {
    const refused = deadlines.run(["--contract", contract, "--period", "2025-06"]);
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(/--period "2025-06": expected a period from 2025-07/);
    const first = await deadlines.run(["--contract", contract, "--period", "2025-07", "--json"]);
    expect((first.json as { period: string }).period).toBe("2025-07");
  });

  it("R-PAY-1 / R-INV-1: refuses a payment before the bill was sent", async () => {
    const refused = deadlines.run([
      ...["--contract", contract, "--period", "2025-09"],
      ...["--bill-sent", "2025-10-10T09:00:00+08:00", "--paid", "2025-10-09"],
    ]);
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(/--paid "2025-10-09": expected .*not before the bill was sent/);
  });

  it("R-BILL-1: refuses a bill sent before its period ended, and a dispute before the bill", async () => {
    await expect(
      deadlines.run(["--contract", contract, "--period", "2025-09", "--bill-sent", "2025-09-30"]),
    ).rejects.toThrow(/--bill-sent "2025-09-30": expected .*after the period ends/);
    await expect(
      deadlines.run([
        ...["--contract", contract, "--period", "2025-09"],
        ...["--bill-sent", "2025-10-10", "--dispute-received", "2025-10-09T23:00:00+08:00"],
      ]),
    ).rejects.toThrow(
      /--dispute-received "2025-10-09T23:00:00\+08:00": expected .*not before the bill was sent/,
    );
  });

  it("R-PAY-1: a payment on the day the bill was sent is accepted", async () => {
    const output = await deadlines.run([
      ...["--contract", contract, "--period", "2025-09"],
      ...["--bill-sent", "2025-10-10T09:00:00+08:00", "--paid", "2025-10-10T15:00:00+08:00", "--json"],
    ]);
    expect((output.json as { deadlines: Deadline[] }).deadlines.some((d) => d.rule === "R-INV-1")).toBe(true);
  });
});
