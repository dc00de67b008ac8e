/**
 * The obligation commands refuse wrong values before touching any stack: one line naming the field, the value
 * (never a full account or phone number) and what is expected (exit 1), or a usage error (exit 2).
 */
import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import recordBankChange from "../../bin/ops/record-bank-change";
import recordBreachNotice from "../../bin/ops/record-breach-notice";
import recordContactChange from "../../bin/ops/record-contact-change";
import recordForceMajeure from "../../bin/ops/record-force-majeure";
import recordNotice from "../../bin/ops/record-notice";
import recordTariffAdjustment from "../../bin/ops/record-tariff-adjustment";
import requestChange from "../../bin/ops/request-change";

const contract = ["--contract", "11NA0700211920254001"];

describe("obligation commands: input refused before anything is read or changed", () => {
  it("R-BANK-1: an account number that is not 8–32 digits is refused without repeating it", async () => {
    const run = recordBankChange.run([
      ...contract,
      "--party",
      "B",
      "--account",
      "6225-8801-2345",
      "--bank",
      "招商银行",
      "--account-name",
      "中国移动通信集团吉林有限公司",
      "--notified",
      "2025-10-22",
    ]);
    await expect(run).rejects.toThrow(
      new InputError('--account "…": expected an account number of 8–32 digits'),
    );
  });

  it("R-BANK-1: a party other than A or B is refused", async () => {
    const run = recordBankChange.run([
      ...contract,
      "--party",
      "C",
      "--account",
      "62258801234567",
      "--bank",
      "招商银行",
      "--account-name",
      "x",
      "--notified",
      "2025-10-22",
    ]);
    await expect(run).rejects.toThrow(new InputError('--party "C": expected one of A, B'));
  });

  it("a contact change needs at least one detail; a malformed email is refused", async () => {
    await expect(
      recordContactChange.run([...contract, "--party", "A", "--notified", "2025-10-22"]),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(
      recordContactChange.run([...contract, "--party", "A", "--email", "nobody", "--notified", "2025-10-22"]),
    ).rejects.toThrow(new InputError('--email "nobody": expected an email address like name@example.com'));
  });

  it("R-NOTICE-2: a fax counts on the day of its report (--received), not from a dispatch day", async () => {
    const run = recordBreachNotice.run([
      ...contract,
      "--breach",
      "2025-09:R-PAY-1",
      "--method",
      "fax",
      "--dispatched",
      "2025-10-23",
    ]);
    await expect(run).rejects.toBeInstanceOf(UsageError);
  });

  it("R-FM-1: a day that is not a calendar day is refused", async () => {
    const run = recordForceMajeure.run([...contract, "--from", "2025-02-30", "--what", "flood"]);
    await expect(run).rejects.toThrow(
      new InputError('--from "2025-02-30": expected a calendar day YYYY-MM-DD, e.g. 2025-10-21'),
    );
  });

  it("R-CHANGE-1: an unknown action or service, a price with 5 decimals, a missing --requested are refused", async () => {
    const change = (...flags: string[]) => requestChange.run([...contract, ...flags]);
    await expect(
      change("--service", "sms", "--action", "pause", "--requested", "2025-10-10"),
    ).rejects.toThrow(new InputError('--action "pause": expected one of add, change, cancel'));
    await expect(change("--service", "fax", "--action", "add", "--requested", "2025-10-10")).rejects.toThrow(
      new InputError('--service "fax": expected one of monthly-fee, voice-outbound, sms'),
    );
    await expect(
      change(
        "--service",
        "sms",
        "--action",
        "change",
        "--unit-price",
        "0.03125",
        "--requested",
        "2025-10-10",
      ),
    ).rejects.toThrow(
      new InputError(
        '--unit-price "0.03125": expected a unit price in yuan with at most 4 decimals, e.g. "0.05"',
      ),
    );
    await expect(change("--service", "sms", "--action", "cancel")).rejects.toBeInstanceOf(UsageError);
  });

  it("3.11: a tariff adjustment needs its three dates; a price that is not a number is refused", async () => {
    await expect(
      recordTariffAdjustment.run([...contract, "--unit-price", "0.03", "--notified", "2025-11-03"]),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(
      recordTariffAdjustment.run([
        ...contract,
        "--unit-price",
        "0.0.3",
        "--notified",
        "2025-11-03",
        "--agreed",
        "2025-11-10",
        "--effective",
        "2025-11-16",
      ]),
    ).rejects.toThrow(InputError);
  });

  it("R-TERM-3: a termination notice without --end is a usage error; an --end that is no date is refused", async () => {
    const notice = (...flags: string[]) =>
      recordNotice.run([
        ...contract,
        "--kind",
        "termination",
        "--method",
        "personal",
        "--dispatched",
        "2025-10-21",
        ...flags,
      ]);
    await expect(notice()).rejects.toBeInstanceOf(UsageError);
    await expect(notice("--end", "2025-11-31")).rejects.toThrow(InputError);
  });
});
