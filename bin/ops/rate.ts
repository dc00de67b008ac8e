/**
 * `ops rate --contract <file> --period <YYYY-MM> [--voice <csv>] [--sms <csv>] [--adjustment <amount>]…`:
 * rates a period's usage files into a statement (R-PRICE-1..3, R-SMS-1, R-TRIAL-1, R-UPLINK-1, R-RECON-4).
 * Files are streamed; rejected rows are listed with their line and reason, never dropped. `--encoding`
 * names the files' encoding when it is not UTF-8 (a GBK export from Excel on Chinese Windows).
 */
import { createReadStream } from "node:fs";
import { formatFen, InvalidMoneyError } from "../../functions/core/money";
import { RatingError, rateUsage } from "../../functions/core/rating";
import { InvalidDateError, previousPeriod } from "../../functions/core/time";
import { decodeToUtf8, UsageFileError } from "../../functions/core/usage-csv";
import {
  contractFileValue,
  encodingValue,
  moneyValue,
  noPositionals,
  periodValue,
  readableFileValue,
} from "./_values";
import { InputError, type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- rate --contract <file> --period <YYYY-MM> [--voice <csv>] [--sms <csv>] [--encoding utf-8|gbk|gb18030] [--adjustment=<amount>]… [--json]  (a negative amount needs the = form: --adjustment=-12.30)";

/** Rejections shown in the table; --json lists all the statement keeps. */
const REJECTIONS_SHOWN = 20;

const command: OpsCommand = {
  summary: "rate a period's voice CDR and SMS log into a statement (R-PRICE-1..3, R-SMS-1, R-TRIAL-1)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        period: { type: "string" },
        voice: { type: "string" },
        sms: { type: "string" },
        adjustment: { type: "string", multiple: true },
        encoding: { type: "string" },
      },
      usage,
    );
    noPositionals(positionals, usage);
    const contractPath = requireOption(values.contract, "--contract", usage);
    const period = periodValue("--period", requireOption(values.period, "--period", usage));
    const encoding = encodingValue("--encoding", values.encoding);
    // R-RECON-4: an agreed difference is carried into the period after the one it belongs to.
    const adjustmentAmounts = (values.adjustment ?? []).map((text) =>
      formatFen(moneyValue("--adjustment", text, "any")),
    );
    const contract = await contractFileValue("--contract", contractPath);
    const voicePath =
      values.voice === undefined
        ? undefined
        : await readableFileValue("--voice", values.voice, "a readable CSV file");
    const smsPath =
      values.sms === undefined
        ? undefined
        : await readableFileValue("--sms", values.sms, "a readable CSV file");
    try {
      const adjustments = adjustmentAmounts.map((amount) => ({
        description: "对账差额调整",
        amount,
        fromPeriod: previousPeriod(period),
        rule: "R-RECON-4" as const,
      }));
      const statement = await rateUsage({
        contract,
        period,
        voice: voicePath
          ? decodeToUtf8(createReadStream(voicePath, { highWaterMark: 1 << 20 }), encoding)
          : undefined,
        sms: smsPath
          ? decodeToUtf8(createReadStream(smsPath, { highWaterMark: 1 << 20 }), encoding)
          : undefined,
        adjustments,
      });

      const lines = table(
        ["service", "description", "quantity", "unit", "unit price", "amount", "rule"],
        [
          ...statement.lines.map((l) => [
            l.service,
            l.description,
            l.quantity,
            l.unitLabel,
            l.unitPrice,
            l.amount,
            l.rule,
          ]),
          ["total", "合计", "", "", "", statement.total, "R-MONEY-1"],
        ],
      );
      const u = statement.usage;
      const summary = [
        `contract ${statement.contractId}  period ${statement.period} (${statement.periodStart} – ${statement.periodEnd}, Asia/Shanghai)  currency CNY`,
        `trial (R-TRIAL-1): billing starts ${statement.trial.billingStartsOn}; this period in trial: ${statement.trial.periodInTrial}`,
        "",
        lines,
        "",
        `voice: ${u.voiceRecords} records, ${u.voiceCalls} calls (${u.voiceOutboundCalls} outbound, ${u.voiceInboundCalls} inbound), ${u.voiceMinutesBilled} billed minutes, ${u.voiceTrialMinutes} trial minutes`,
        `sms:   ${u.smsRecords} records, ${u.smsMessages} messages (${u.smsDownlinkMessages} downlink, ${u.smsUplinkIgnored} uplink not billed), ${u.smsParts} billed parts, ${u.smsTrialParts} trial parts`,
        `rejected records: ${statement.rejectedCount}`,
      ];
      if (statement.rejectedCount > 0) {
        summary.push(
          table(
            ["file", "line", "reason"],
            statement.rejected.slice(0, REJECTIONS_SHOWN).map((r) => [r.file, String(r.line), r.reason]),
          ),
        );
        if (statement.rejectedCount > REJECTIONS_SHOWN) {
          summary.push(
            `… ${statement.rejectedCount - REJECTIONS_SHOWN} more (--json lists up to 1000 per file)`,
          );
        }
      }
      return { json: statement, text: summary.join("\n") };
    } catch (error) {
      if (
        error instanceof InvalidMoneyError ||
        error instanceof InvalidDateError ||
        error instanceof UsageFileError ||
        error instanceof RatingError
      ) {
        throw new InputError(error.message, { cause: error });
      }
      // A usage file that vanished or is a directory: an input problem, not a crash.
      if (typeof (error as NodeJS.ErrnoException).code === "string") {
        throw new InputError((error as Error).message, { cause: error });
      }
      throw error;
    }
  },
};

export default command;
