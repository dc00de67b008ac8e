import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import workdaysAdd from "../../bin/ops/workdays-add";
import { tsx } from "../tsx-cli";

describe("ops workdays add (R-WD-2, R-WD-3)", () => {
  it("R-WD-2: the 10th working day after 2025-09-30 is 2025-10-21, official", async () => {
    const output = await workdaysAdd.run(["2025-09-30", "10", "--json"]);
    expect(output.json).toEqual({
      from: "2025-09-30",
      n: 10,
      date: "2025-10-21",
      provisional: false,
      rule: "R-WD-2",
      years: { "2025": "official" },
    });
    expect(output.text).toMatch(/^2025-10-21 .*official calendar/);
  });

  it("R-WD-3: crossing into 2027 is flagged provisional in JSON and text", async () => {
    const output = await workdaysAdd.run(["2026-12-31", "1"]);
    expect(output.json).toMatchObject({
      date: "2027-01-04",
      provisional: true,
      years: { "2027": "provisional" },
    });
    expect(output.text).toContain("PROVISIONAL");
  });

  it("rejects bad input (exit 1) and missing arguments (exit 2)", async () => {
    await expect(workdaysAdd.run(["2025-02-30", "1"])).rejects.toThrow(InputError);
    await expect(workdaysAdd.run(["2025-10-01", "0"])).rejects.toThrow(InputError);
    await expect(workdaysAdd.run(["2025-10-01", "-3"])).rejects.toThrow(UsageError); // "-3" reads as a flag
    await expect(workdaysAdd.run(["2025-10-01", "two"])).rejects.toThrow(InputError);
    await expect(workdaysAdd.run(["2100-06-01", "1"])).rejects.toThrow(InputError);
    await expect(workdaysAdd.run(["2025-10-01"])).rejects.toThrow(UsageError);
    await expect(workdaysAdd.run(["2025-10-01", "1", "--days", "3"])).rejects.toThrow(UsageError);
  });

  it("exit codes through npm run ops: 0 with JSON, 1 on a bad date, 2 on a missing argument", async () => {
    const ok = await tsx(["bin/ops.ts", "workdays", "add", "2025-09-30", "10", "--json"]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ date: "2025-10-21", provisional: false });
    await expect(tsx(["bin/ops.ts", "workdays", "add", "2025-13-01", "1"])).rejects.toMatchObject({
      code: 1,
    });
    await expect(tsx(["bin/ops.ts", "workdays", "add", "2025-10-01"])).rejects.toMatchObject({
      code: 2,
    });
  });
});
