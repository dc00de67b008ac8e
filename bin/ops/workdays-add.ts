/**
 * `ops workdays add <YYYY-MM-DD> <n>`: the n-th working day after a day (R-WD-1, R-WD-2), and whether a
 * provisional calendar was involved (R-WD-3).
 */
import { CalendarError, defaultCalendar } from "../../functions/core/calendar";
import { LunarRangeError } from "../../functions/core/lunar";
import { addDays } from "../../functions/core/time";
import { dayValue, wholeNumberValue } from "./_values";
import { InputError, type OpsCommand, parseCommandArgs, UsageError } from "./cli-kit";

const usage = "npm run ops -- workdays add <YYYY-MM-DD> <n> [--json]";

const command: OpsCommand = {
  summary: "the n-th working day after a date (R-WD-2), official or provisional",
  usage,
  async run(argv) {
    const { positionals } = parseCommandArgs(argv, {}, usage);
    if (positionals.length !== 2) throw new UsageError(`expected a date and a number\nusage: ${usage}`);
    const [dateText, nText] = positionals as [string, string];
    try {
      const from = dayValue("<YYYY-MM-DD>", dateText);
      const n = wholeNumberValue("<n> (working days)", nText, 1, 99999);
      const calendar = defaultCalendar();
      const result = calendar.addWorkingDays(from, n);
      const years: Record<string, "official" | "provisional"> = {};
      for (let year = Number(addDays(from, 1).slice(0, 4)); year <= Number(result.date.slice(0, 4)); year++) {
        years[String(year)] = calendar.yearStatus(year);
      }
      const provisionalNote = result.provisional
        ? "PROVISIONAL: a year on the way has no official calendar yet; derived from the statutory holidays (R-WD-3)"
        : "official calendar";
      return {
        json: { from, n, date: result.date, provisional: result.provisional, rule: "R-WD-2", years },
        text: `${result.date}  (working day ${n} after ${from}; ${provisionalNote})`,
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
