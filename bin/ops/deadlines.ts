/**
 * `ops deadlines --contract <file> --period <YYYY-MM> [--bill-sent <instant>] [--paid <instant>]
 * [--dispute-received <instant>]`: every deadline of one billing cycle (R-BILL-1, R-RECON-1, R-RECON-3,
 * R-RECON-5, R-PAY-1, R-INV-1, R-RETAIN-1), with provisional and assumed flags.
 */
import { CalendarError } from "../../functions/core/calendar";
import { termStartDate } from "../../functions/core/contract";
import { cycleDeadlines, type Deadline, deadlineRulesFrom } from "../../functions/core/deadlines";
import { LunarRangeError } from "../../functions/core/lunar";
import { addDays, lastDayOfPeriod, periodOf, startOfDay } from "../../functions/core/time";
import { contractFileValue, instantValue, invalidValue, noPositionals, periodValue } from "./_values";
import { InputError, type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- deadlines --contract <file> --period <YYYY-MM> [--bill-sent <instant>] [--paid <instant>] [--dispute-received <instant>] [--json]";

function describe(deadline: Deadline): string {
  return [deadline.provisional ? "PROVISIONAL" : "", deadline.assumed ? "assumed bill sent on due day" : ""]
    .filter(Boolean)
    .join(", ");
}

const command: OpsCommand = {
  summary: "every deadline of a billing cycle, per rule, in Asia/Shanghai",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        contract: { type: "string" },
        period: { type: "string" },
        "bill-sent": { type: "string" },
        paid: { type: "string" },
        "dispute-received": { type: "string" },
      },
      usage,
    );
    noPositionals(positionals, usage);
    const contractPath = requireOption(values.contract, "--contract", usage);
    const periodText = requireOption(values.period, "--period", usage);
    const period = periodValue("--period", periodText);
    const optionalInstant = (flag: "bill-sent" | "paid" | "dispute-received") => {
      const text = values[flag];
      return text === undefined ? undefined : { text, at: instantValue(`--${flag}`, text) };
    };
    const billSent = optionalInstant("bill-sent");
    const paid = optionalInstant("paid");
    const disputeReceived = optionalInstant("dispute-received");
    const contract = await contractFileValue("--contract", contractPath);
    // R-TERM-1: no period is billed before the contract takes effect.
    const firstPeriod = periodOf(termStartDate(contract));
    if (period < firstPeriod) {
      throw invalidValue(
        "--period",
        periodText,
        `a period from ${firstPeriod} on (the contract takes effect ${termStartDate(contract)}, R-TERM-1)`,
      );
    }
    // R-BILL-1: a bill is for a finished period; payment (R-PAY-1) and a dispute (R-RECON-2) answer the bill.
    const periodEnded = startOfDay(addDays(lastDayOfPeriod(period), 1));
    if (billSent && billSent.at < periodEnded) {
      throw invalidValue(
        "--bill-sent",
        billSent.text,
        `an instant after the period ends (${lastDayOfPeriod(period)}, R-BILL-1)`,
      );
    }
    const notBeforeBill = (event: { text: string; at: Date } | undefined, flag: string) => {
      const billAt = billSent?.at ?? periodEnded;
      if (event && event.at < billAt) {
        throw invalidValue(
          flag,
          event.text,
          billSent
            ? `an instant not before the bill was sent (${billSent.text})`
            : `an instant after the period ends (${lastDayOfPeriod(period)}): it answers the bill, not before the bill was sent`,
        );
      }
    };
    notBeforeBill(paid, "--paid");
    notBeforeBill(disputeReceived, "--dispute-received");
    try {
      const deadlines = cycleDeadlines({
        period,
        billSentAt: billSent?.at,
        paidAt: paid?.at,
        disputeReceivedAt: disputeReceived?.at,
        rules: deadlineRulesFrom(contract.rules),
      });
      const rows = deadlines.map((d) => [d.rule, d.name, d.date, d.at, describe(d)]);
      return {
        json: { contractId: contract.contractId, period, deadlines },
        text: `Contract ${contract.contractId}, period ${period}\n${table(["rule", "what", "day", "instant (Asia/Shanghai)", "notes"], rows)}`,
      };
    } catch (error) {
      if (error instanceof CalendarError || error instanceof LunarRangeError) {
        throw new InputError(error.message, { cause: error });
      }
      throw error;
    }
  },
};

export default command;
