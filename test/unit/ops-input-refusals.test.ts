/**
 * Every ops command refuses a wrong value the same way: an InputError (exit 1) whose message is one line
 * naming the field and the value and saying what is expected — checked before any file or stack is touched.
 */
import { describe, expect, it } from "vitest";
import { InputError, type OpsCommand, UsageError } from "../../bin/ops/cli-kit";
import compliance from "../../bin/ops/compliance";
import deadlines from "../../bin/ops/deadlines";
import history from "../../bin/ops/history";
import loadContract from "../../bin/ops/load-contract";
import parseReply from "../../bin/ops/parse-reply";
import rate from "../../bin/ops/rate";
import reconcile from "../../bin/ops/reconcile";
import recordNotice from "../../bin/ops/record-notice";
import renewal from "../../bin/ops/renewal";
import reply from "../../bin/ops/reply";
import smsParts from "../../bin/ops/sms-parts";
import status from "../../bin/ops/status";
import workdaysAdd from "../../bin/ops/workdays-add";
import { tsx } from "../tsx-cli";

const contract = "contracts/11NA0700211920254001.json";
const eml = "test/fixtures/replies/apple-mail-html-confirm.eml";

const cases: Array<[string, OpsCommand, string[], string, string]> = [
  ["rate --period", rate, ["--contract", contract, "--period", "2025-13"], "--period", "2025-13"],
  [
    "rate --adjustment",
    rate,
    ["--contract", contract, "--period", "2025-10", "--adjustment=1.234"],
    "--adjustment",
    "1.234",
  ],
  [
    "rate --voice",
    rate,
    ["--contract", contract, "--period", "2025-10", "--voice", "no/such.csv"],
    "--voice",
    "no/such.csv",
  ],
  [
    "rate --contract",
    rate,
    ["--contract", "no/such.json", "--period", "2025-10"],
    "--contract",
    "no/such.json",
  ],
  ["deadlines --period", deadlines, ["--contract", contract, "--period", "2025-9"], "--period", "2025-9"],
  [
    "deadlines --paid",
    deadlines,
    ["--contract", contract, "--period", "2025-09", "--paid", "soon"],
    "--paid",
    "soon",
  ],
  ["reconcile --bill", reconcile, ["--bill=-1.00", "--reply", "1.00"], "--bill", "-1.00"],
  [
    "reconcile --reply",
    reconcile,
    ["--bill", "1.00", "--reply", "99999999999999999999.99"],
    "--reply",
    "99999999999999999999.99",
  ],
  [
    "reconcile --agreed",
    reconcile,
    ["--bill", "100.00", "--reply", "200.00", "--agreed", "1e3"],
    "--agreed",
    "1e3",
  ],
  [
    "reconcile --tolerance",
    reconcile,
    ["--bill", "1.00", "--reply", "1.00", "--tolerance", "5%"],
    "--tolerance",
    "5%",
  ],
  ["renewal --term", renewal, ["--contract", contract, "--term", "0"], "--term", "0"],
  ["sms-parts --contract", smsParts, ["--contract", "no/such.json", "hello"], "--contract", "no/such.json"],
  ["workdays add <n>", workdaysAdd, ["2025-10-01", "3.5"], "<n> (working days)", "3.5"],
  ["workdays add <date>", workdaysAdd, ["2025-02-30", "3"], "<YYYY-MM-DD>", "2025-02-30"],
  ["status --contract", status, ["--contract", "no such"], "--contract", "no such"],
  ["history --contract", history, ["--contract", "x"], "--contract", "x"],
  ["load-contract --contract", loadContract, ["--contract", "no/such.json"], "--contract", "no/such.json"],
  ["parse-reply --bill", parseReply, ["--contract", contract, "--bill=-0", "--eml", eml], "--bill", "-0"],
  [
    "parse-reply --eml",
    parseReply,
    ["--contract", contract, "--bill", "1.00", "--eml", "no/such.eml"],
    "--eml",
    "no/such.eml",
  ],
  [
    "reply --period",
    reply,
    ["--contract", "11NA0700211920254001", "--period", "2025-00", "--text", "确认"],
    "--period",
    "2025-00",
  ],
  [
    "record-notice --term",
    recordNotice,
    [
      "--contract",
      "11NA0700211920254001",
      "--kind",
      "non-renewal",
      "--method",
      "fax",
      "--dispatched",
      "2026-05-31",
      "--term",
      "0",
    ],
    "--term",
    "0",
  ],
  [
    "rate --encoding",
    rate,
    ["--contract", contract, "--period", "2025-10", "--encoding", "latin1"],
    "--encoding",
    "latin1",
  ],
  ["compliance --period", compliance, ["--contract", contract, "--period", "2025-13"], "--period", "2025-13"],
  [
    "compliance --contract",
    compliance,
    ["--contract", "no/such.json", "--period", "2025-10"],
    "--contract",
    "no/such.json",
  ],
  [
    "compliance --sms",
    compliance,
    ["--contract", contract, "--period", "2025-10", "--sms", "no/such.csv"],
    "--sms",
    "no/such.csv",
  ],
  [
    "compliance --complaints",
    compliance,
    ["--contract", contract, "--period", "2025-10", "--complaints", "no/such.csv"],
    "--complaints",
    "no/such.csv",
  ],
  [
    "reply --smtp-port",
    reply,
    ["--contract", "11NA0700211920254001", "--period", "2025-09", "--text", "确认", "--smtp-port", "70000"],
    "--smtp-port",
    "70000",
  ],
];

describe("ops: a wrong value is refused with one line naming field, value and what is expected", () => {
  it.each(cases)("%s", async (_name, command, argv, field, value) => {
    const error = await command.run(argv).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(message.startsWith(`${field} ${JSON.stringify(value)}: expected `)).toBe(true);
  });

  it("a positional argument a command does not take is a usage error (exit 2)", async () => {
    for (const command of [
      status,
      history,
      loadContract,
      parseReply,
      reconcile,
      renewal,
      deadlines,
      rate,
      compliance,
    ]) {
      await expect(command.run(["surplus"])).rejects.toThrow(UsageError);
    }
  });

  it("the ops entry point prints the one line after 'error:' and exits 1, no stack trace", async () => {
    const failed = await tsx(["bin/ops.ts", "reconcile", "--bill=-100.00", "--reply", "1"]).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toBe("");
    expect(failed?.stderr).toBe(
      'error: --bill "-100.00": expected a money amount of 0 or more in yuan with at most 2 decimals and at most 12 integer digits, e.g. "1234.56"\n',
    );
  });
});
