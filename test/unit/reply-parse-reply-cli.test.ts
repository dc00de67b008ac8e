import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import command from "../../bin/ops/parse-reply";

const contract = "contracts/11NA0700211920254001.json";
const eml = (name: string) => `test/fixtures/replies/${name}.eml`;

describe("R-RECON-1: ops parse-reply", () => {
  it("prints a dispute with Party A's figure as JSON", async () => {
    const out = await command.run([
      "--contract",
      contract,
      "--bill",
      "4218.36",
      "--eml",
      eml("outlook-gb2312-dispute"),
      "--json",
    ]);
    expect(out.json).toMatchObject({
      decision: "disputed",
      amount: "4200.00",
      reasonCode: "dispute-with-figure",
      newText: expect.stringContaining("有异议，本期金额应为4,200.00元。"),
      senderIsContact: true,
    });
    expect(out.text).toMatch(/^decision: {2}disputed 4200.00/);
  });

  it("prints a confirmation at the bill's total", async () => {
    const out = await command.run([
      "--contract",
      contract,
      "--bill",
      "4218.36",
      "--eml",
      eml("qqmail-gb18030-no-objection"),
    ]);
    expect(out.json).toMatchObject({ decision: "confirmed", amount: "4218.36", reasonCode: "confirm-word" });
  });

  it("prints needs-person with the reason", async () => {
    const out = await command.run([
      "--contract",
      contract,
      "--bill",
      "4218.36",
      "--eml",
      eml("gmail-two-figures"),
    ]);
    expect(out.json).toMatchObject({
      decision: "needs-person",
      amount: null,
      reasonCode: "two-different-figures",
    });
    expect(out.text).toContain("needs a person");
  });

  it("says when the sender is not the designated contact, without changing the decision", async () => {
    const out = await command.run([
      "--contract",
      "test/fixtures/replies/other-contact.contract.json",
      "--bill",
      "4218.36",
      "--eml",
      eml("outlook-gb2312-confirm"),
    ]);
    expect(out.json).toMatchObject({ decision: "confirmed", senderIsContact: false });
  });

  it.each(["4218.365", "1e3", "-5.00", "4,218.36", "abc", " 4218.36"])(
    "rejects --bill %s as bad input",
    async (bill) => {
      await expect(
        command.run(["--contract", contract, `--bill=${bill}`, "--eml", eml("outlook-gb2312-confirm")]),
      ).rejects.toThrow(InputError);
    },
  );

  it("rejects a missing contract or message file as bad input, a missing flag as usage", async () => {
    await expect(
      command.run(["--contract", "nope.json", "--bill", "1.00", "--eml", eml("outlook-gb2312-confirm")]),
    ).rejects.toThrow(InputError);
    await expect(
      command.run(["--contract", contract, "--bill", "1.00", "--eml", "nope.eml"]),
    ).rejects.toThrow(InputError);
    await expect(command.run(["--contract", contract, "--bill", "1.00"])).rejects.toThrow(UsageError);
  });
});
