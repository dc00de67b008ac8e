/**
 * `ops compliance --contract <file> --period <YYYY-MM> [--voice <csv>] [--sms <csv>] [--complaints <csv>]
 * [--json]`: Party A's use of the lines in a month — call-rate limits (R-CALL-1), marketing SMS (R-SMS-3) and
 * the SMS port's throttling state on every day (R-THROTTLE-1). Phone numbers are masked in every output.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { contractRule } from "../../functions/core/contract";
import { maskPhone } from "../../functions/core/mask";
import {
  type Complaint,
  ComplaintsFileError,
  parseComplaintsCsv,
} from "../../functions/core/sms-governance/complaints-csv";
import { ComplianceInputError, checkCompliance } from "../../functions/core/sms-governance/compliance";
import { decodeToUtf8, UsageFileError } from "../../functions/core/usage-csv";
import { contractFileValue, encodingValue, noPositionals, periodValue, readableFileValue } from "./_values";
import { InputError, type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- compliance --contract <file> --period <YYYY-MM> [--voice <csv>] [--sms <csv>] [--complaints <csv>] [--encoding utf-8|gbk|gb18030] [--json]";

/** Violations shown in the table; --json lists all the report keeps. */
const SHOWN = 20;

async function loadComplaints(path: string | undefined): Promise<Complaint[]> {
  if (path === undefined) return [];
  const text = await readFile(
    await readableFileValue("--complaints", path, "a readable complaints CSV file"),
    "utf8",
  );
  try {
    return parseComplaintsCsv(text);
  } catch (error) {
    if (error instanceof ComplaintsFileError)
      throw new InputError(`--complaints: ${error.message}`, { cause: error });
    throw error;
  }
}

const command: OpsCommand = {
  summary:
    "call-rate limits, marketing SMS and the SMS port's throttling in a month (R-CALL-1, R-SMS-3, R-THROTTLE-1)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        period: { type: "string" },
        voice: { type: "string" },
        sms: { type: "string" },
        complaints: { type: "string" },
        encoding: { type: "string" },
      },
      usage,
    );
    noPositionals(positionals, usage);
    const period = periodValue("--period", requireOption(values.period, "--period", usage));
    const encoding = encodingValue("--encoding", values.encoding);
    const contract = await contractFileValue(
      "--contract",
      requireOption(values.contract, "--contract", usage),
    );
    const voicePath =
      values.voice === undefined
        ? undefined
        : await readableFileValue("--voice", values.voice, "a readable CSV file");
    const smsPath =
      values.sms === undefined
        ? undefined
        : await readableFileValue("--sms", values.sms, "a readable CSV file");
    const complaints = await loadComplaints(values.complaints);
    let report: Awaited<ReturnType<typeof checkCompliance>>;
    try {
      report = await checkCompliance({
        period,
        smsPort: contract.access.smsAccessCode,
        management: contract.access.portManagement,
        callLimits: {
          callsPerCallingNumberPerDay: contractRule(contract, "callsPerCallingNumberPerDay"),
          callsPerCalleePerDay: contractRule(contract, "callsPerCalleePerDay"),
        },
        voice: voicePath
          ? decodeToUtf8(createReadStream(voicePath, { highWaterMark: 1 << 20 }), encoding)
          : undefined,
        sms: smsPath
          ? decodeToUtf8(createReadStream(smsPath, { highWaterMark: 1 << 20 }), encoding)
          : undefined,
        complaints,
      });
    } catch (error) {
      if (error instanceof ComplianceInputError)
        throw new InputError(`--complaints: ${error.message}`, { cause: error });
      if (error instanceof UsageFileError) throw new InputError(error.message, { cause: error });
      if (typeof (error as NodeJS.ErrnoException).code === "string") {
        throw new InputError((error as Error).message, { cause: error });
      }
      throw error;
    }

    const callViolations = report.callViolations.map((v) => ({ ...v, number: maskPhone(v.number) }));
    const json = { contractId: contract.contractId, ...report, callViolations };

    const { throttle } = report;
    const text: string[] = [
      `contract ${contract.contractId}  period ${report.period}`,
      "",
      `SMS port ${throttle.port} (${throttle.management}) — throttling (R-THROTTLE-1, 附件三):`,
      ...describeTimeline(throttle.days),
    ];
    if (throttle.transitions.length > 0) {
      text.push(
        table(
          ["from", "rate", "was", "clause"],
          throttle.transitions.map((t) => [t.date, t.to, t.from, t.clause]),
        ),
      );
    }
    text.push("", `call-rate limits (R-CALL-1, 附件七第六条): ${callViolations.length} over the limit`);
    if (callViolations.length > 0) {
      text.push(
        table(
          ["date", "rule", "number", "calls"],
          callViolations.slice(0, SHOWN).map((v) => [v.date, v.rule, v.number, String(v.calls)]),
        ),
      );
      if (callViolations.length > SHOWN)
        text.push(`… ${callViolations.length - SHOWN} more (--json lists all)`);
    }
    text.push(
      "",
      report.marketingChecked
        ? `marketing SMS (R-SMS-3, 2.23/2.24): ${report.marketingViolationCount} problems`
        : "marketing SMS (R-SMS-3, 2.23/2.24): not checked — the SMS log has no port,category columns",
    );
    if (report.marketingViolations.length > 0) {
      text.push(
        table(
          ["line", "reason"],
          report.marketingViolations.slice(0, SHOWN).map((v) => [String(v.line), v.reason]),
        ),
      );
      if (report.marketingViolationCount > SHOWN) {
        text.push(`… ${report.marketingViolationCount - SHOWN} more (--json lists up to 1000)`);
      }
    }
    if (report.rejectedCount > 0) {
      text.push("", `records not read: ${report.rejectedCount}`);
      text.push(
        table(
          ["file", "line", "reason"],
          report.rejected.slice(0, SHOWN).map((r) => [r.file, String(r.line), r.reason]),
        ),
      );
    }
    return { json, text: text.join("\n") };
  },
};

/** Runs of equal state, e.g. "  2025-09-01 – 2025-09-03  full". */
function describeTimeline(days: ReadonlyArray<{ date: string; state: string }>): string[] {
  const runs: string[] = [];
  let start = 0;
  for (let i = 1; i <= days.length; i++) {
    if (i === days.length || days[i]?.state !== days[start]?.state) {
      const first = days[start];
      const last = days[i - 1];
      if (first && last) runs.push(`  ${first.date} – ${last.date}  ${first.state}`);
      start = i;
    }
  }
  return runs;
}

export default command;
