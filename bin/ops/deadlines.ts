/**
 * `ops deadlines --contract <file> --period <YYYY-MM> [--bill-sent <instant>] [--paid <instant>]
 * [--dispute-received <instant>]`: every deadline of one billing cycle (R-BILL-1, R-RECON-1, R-RECON-3,
 * R-RECON-5, R-PAY-1, R-INV-1, R-RETAIN-1), with provisional and assumed flags.
 */
import { CalendarError } from "../../functions/core/calendar";
import { type Contract, ContractInvalidError, loadContract } from "../../functions/core/contract";
import { cycleDeadlines, type Deadline, deadlineRulesFrom } from "../../functions/core/deadlines";
import { LunarRangeError } from "../../functions/core/lunar";
import { InvalidDateError, parseLocalDate, parsePeriod, startOfDay } from "../../functions/core/time";
import { InputError, type OpsCommand, parseCommandArgs, requireOption, table, UsageError } from "./cli-kit";

const usage =
  "npm run ops -- deadlines --contract <file> --period <YYYY-MM> [--bill-sent <instant>] [--paid <instant>] [--dispute-received <instant>] [--json]";

/** Loads a contract file; a missing or invalid file is bad input (exit 1). Shared with `ops renewal`. */
export async function readContract(path: string): Promise<Contract> {
  try {
    return await loadContract(path);
  } catch (error) {
    if (error instanceof ContractInvalidError) throw new InputError(error.message, { cause: error });
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new InputError(`no such contract file: ${path}`, { cause: error });
    }
    throw error;
  }
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An instant with an explicit offset (`2025-10-21T10:00:00+08:00`), or a bare day taken as its start in
 * Asia/Shanghai. A time without an offset is refused: its meaning would depend on the host's time zone.
 */
export function parseInstantOption(text: string, flag: string): Date {
  const bad = () =>
    new InputError(
      `${flag} must be an instant like 2025-10-21T10:00:00+08:00 or a day, got ${JSON.stringify(text)}`,
    );
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    try {
      return startOfDay(parseLocalDate(text));
    } catch (error) {
      throw new InputError(`${flag}: ${(error as Error).message}`, { cause: error });
    }
  }
  const match = INSTANT.exec(text);
  if (!match) throw bad();
  const [, day, hours, minutes, seconds, , sign, offsetHours, offsetMinutes] = match;
  try {
    parseLocalDate(day as string);
  } catch {
    throw bad();
  }
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds ?? 0) > 59) throw bad();
  if (sign && (Number(offsetHours) > 14 || Number(offsetMinutes) > 59)) throw bad();
  return new Date(text);
}

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
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${positionals[0]}\nusage: ${usage}`);
    const contractPath = requireOption(values.contract, "--contract", usage);
    const periodText = requireOption(values.period, "--period", usage);
    try {
      const period = parsePeriod(periodText);
      const billSentAt = values["bill-sent"]
        ? parseInstantOption(values["bill-sent"], "--bill-sent")
        : undefined;
      const paidAt = values.paid ? parseInstantOption(values.paid, "--paid") : undefined;
      const disputeReceivedAt = values["dispute-received"]
        ? parseInstantOption(values["dispute-received"], "--dispute-received")
        : undefined;
      const contract = await readContract(contractPath);
      const deadlines = cycleDeadlines({
        period,
        billSentAt,
        paidAt,
        disputeReceivedAt,
        rules: deadlineRulesFrom(contract.rules),
      });
      const rows = deadlines.map((d) => [d.rule, d.name, d.date, d.at, describe(d)]);
      return {
        json: { contractId: contract.contractId, period, deadlines },
        text: `Contract ${contract.contractId}, period ${period}\n${table(["rule", "what", "day", "instant (Asia/Shanghai)", "notes"], rows)}`,
      };
    } catch (error) {
      if (
        error instanceof InvalidDateError ||
        error instanceof CalendarError ||
        error instanceof LunarRangeError
      ) {
        throw new InputError(error.message, { cause: error });
      }
      throw error;
    }
  },
};

export default command;
