import { operatorWrite } from "./_operator-client";
import { operation, useTarget } from "./_target";
import { dayValue, wholeNumberValue } from "./_values";
import { type OpsCommand, parseCommandArgs, requireOption, table, UsageError } from "./cli-kit";

const usage =
  "npm run ops -- record-notice --contract <id> --kind non-renewal|termination --method personal|fax|express|registered [--region same-city|mainland|hk-macao-taiwan|abroad] --dispatched <YYYY-MM-DD> [--end <YYYY-MM-DD>] [--term <n>] [--json] [--profile p --aws-region r]";

const command: OpsCommand = {
  summary: "record a written notice and say whether it is deemed delivered in time (R-NOTICE-2, R-TERM-3)",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        kind: { type: "string" },
        method: { type: "string" },
        region: { type: "string" },
        dispatched: { type: "string" },
        // R-TERM-3: the last day of an early termination (--kind termination), judged against it minus 30 days.
        end: { type: "string" },
        // The term the notice is meant for (R-TERM-3); by default the term in force on the dispatch date.
        term: { type: "string" },
        profile: { type: "string" },
        // --region is the notice's delivery region here (R-NOTICE-2), so the AWS region has its own flag.
        "aws-region": { type: "string" },
      },
      usage,
    );
    const kind = requireOption(values.kind, "--kind", usage);
    if (kind !== "non-renewal" && kind !== "termination")
      throw new UsageError(`--kind must be non-renewal or termination\nusage: ${usage}`);
    if (kind === "termination" && values.end === undefined)
      throw new UsageError(`--kind termination needs --end, the contract's last day\nusage: ${usage}`);
    const input = {
      contractId: requireOption(values.contract, "--contract", usage),
      kind: kind as "non-renewal" | "termination",
      method: requireOption(values.method, "--method", usage),
      region: values.region ?? null,
      dispatched: requireOption(values.dispatched, "--dispatched", usage),
      ...(values.end === undefined ? {} : { end: dayValue("--end", values.end) }),
      ...(values.term === undefined ? {} : { term: wholeNumberValue("--term", values.term, 1, 1000) }),
    };
    useTarget({ profile: values.profile, region: values["aws-region"] });
    const { json, result } = await operation(() => operatorWrite("record-notice", input));
    return {
      json,
      text: `${table(
        ["term", "kind", "method", "dispatched", "deemed delivered", "deadline", "in time", "contract ends"],
        [
          [
            String(result.term),
            result.kind,
            `${result.method}${result.region ? `/${result.region}` : ""}`,
            result.dispatched,
            result.deemedDeliveredOn,
            result.deadline,
            result.inTime ? "yes" : "NO",
            result.contractEndsOn ?? "",
          ],
        ],
      )}${result.undid ? `\nundid: ${result.undid}` : ""}`,
    };
  },
};
export default command;
