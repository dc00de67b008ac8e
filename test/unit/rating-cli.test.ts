import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import rate from "../../bin/ops/rate";
import smsParts from "../../bin/ops/sms-parts";
import type { Statement } from "../../functions/core/statement";

const CONTRACT = "contracts/11NA0700211920254001.json";
const VOICE = "test/fixtures/usage/voice-2025-09.csv";
const SMS = "test/fixtures/usage/sms-2025-09.csv";

describe("ops rate", () => {
  it("R-PRICE-1..3, R-RECON-4: rates the fixture files into a statement (--json) and a table", async () => {
    const output = await rate.run([
      "--contract",
      CONTRACT,
      "--period",
      "2025-09",
      "--voice",
      VOICE,
      "--sms",
      SMS,
      "--adjustment=-12.30",
    ]);
    const statement = output.json as Statement;
    expect(statement.total).toBe("3988.38");
    expect(statement.lines.find((l) => l.service === "adjustment")).toMatchObject({
      amount: "-12.30",
      description: "对账差额调整（2025-08 账期）",
    });
    expect(statement.rejectedCount).toBe(14);
    expect(output.text).toContain("3988.38");
    expect(output.text).toContain("rejected records: 14");
    // Phone numbers of the fixture never reach the output.
    expect(JSON.stringify(output.json)).not.toContain("13800138");
    expect(output.text).not.toContain("13800138");
  });

  it("usage errors (exit 2) and input errors (exit 1)", async () => {
    await expect(rate.run(["--period", "2025-09"])).rejects.toThrow(UsageError);
    await expect(rate.run(["--contract", CONTRACT, "--period", "2025-09", "--bogus"])).rejects.toThrow(
      UsageError,
    );
    await expect(rate.run(["--contract", CONTRACT, "--period", "2025-13"])).rejects.toThrow(InputError);
    await expect(rate.run(["--contract", CONTRACT, "--period", "2025-09", "--voice", SMS])).rejects.toThrow(
      InputError,
    );
    await expect(
      rate.run(["--contract", CONTRACT, "--period", "2025-09", "--adjustment", "0.1e1"]),
    ).rejects.toThrow(InputError);
    await expect(
      rate.run(["--contract", "test/fixtures/contracts/invalid-many-problems.json", "--period", "2025-09"]),
    ).rejects.toThrow(/6 problems/);
  });
});

describe("ops sms-parts", () => {
  it("R-SMS-1: 64 vs 65 characters with 【吉林医保】", async () => {
    expect((await smsParts.run(["--contract", CONTRACT, "医".repeat(64)])).json).toMatchObject({ parts: 1 });
    const output = await smsParts.run(["--contract", CONTRACT, "医".repeat(65), "--json"]);
    expect(output.json).toMatchObject({ parts: 2, contentChars: 65, signedChars: 71, partLength: 70 });
    expect(output.text).not.toContain("医".repeat(65));
  });

  it("needs exactly one text and a readable contract", async () => {
    await expect(smsParts.run(["--contract", CONTRACT])).rejects.toThrow(UsageError);
    await expect(smsParts.run(["hello"])).rejects.toThrow(UsageError);
    await expect(smsParts.run(["--contract", "missing.json", "hello"])).rejects.toThrow(InputError);
  });
});
