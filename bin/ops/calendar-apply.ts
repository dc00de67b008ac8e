/**
 * `ops calendar apply --year <N> [--dry-run]`: brings a year's official calendar (the file `calendar import`
 * wrote) into a running stack and moves every stored deadline that came from its provisional calendar
 * (R-WD-3, ADR 0042). `--dry-run` lists, per contract and period, each deadline that would move.
 */
import { fileURLToPath } from "node:url";
import { CALENDAR_DATA_DIR, CalendarError, loadOfficialYearFiles } from "../../functions/core/calendar";
import { operatorWrite } from "./_operator-client";
import { operation, targetOptions, useTarget } from "./_target";
import { InputError, type OpsCommand, parseCommandArgs, requireOption, table } from "./cli-kit";

const usage =
  "npm run ops -- calendar apply --year <yyyy> [--dry-run] [--dir <calendar-data dir>] [--json] [--profile p --region r]";

const command: OpsCommand = {
  summary: "load a year's official calendar into the stack and move the provisional deadlines (R-WD-3)",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      { year: { type: "string" }, "dry-run": { type: "boolean" }, dir: { type: "string" }, ...targetOptions },
      usage,
    );
    const yearText = requireOption(values.year, "--year", usage);
    if (!/^\d{4}$/.test(yearText)) {
      throw new InputError(`--year ${JSON.stringify(yearText)}: expected a four-digit year such as 2027`);
    }
    const directory = values.dir ?? fileURLToPath(CALENDAR_DATA_DIR);
    let years: ReturnType<typeof loadOfficialYearFiles>;
    try {
      years = loadOfficialYearFiles(directory);
    } catch (error) {
      if (error instanceof CalendarError)
        throw new InputError(`--dir ${directory}: ${error.message}`, { cause: error });
      throw error;
    }
    const year = years.find((y) => y.year === Number(yearText));
    if (!year) {
      throw new InputError(
        `--year ${yearText}: no CN-${yearText}.json in ${directory}; run \`npm run ops -- calendar import --notice <file>\` first`,
      );
    }
    useTarget(values);
    const dryRun = values["dry-run"] === true;
    const { json, result: report } = await operation(() => operatorWrite("calendar-apply", { year, dryRun }));
    const rows = report.contracts.flatMap((c) =>
      c.moves.map((m) => [c.contractId, m.period, `${m.name} (${m.rule})`, m.from, m.to]),
    );
    const heading = `${dryRun ? "dry run — nothing changed: " : ""}official ${report.year} calendar (${report.source})`;
    const summary = dryRun
      ? `${rows.length} deadline(s) would move`
      : `${rows.length} deadline(s) moved; re-armed: ${
          report.contracts.flatMap((c) => c.rearmed.map((p) => `${c.contractId} ${p}`)).join(", ") || "none"
        }; emailed: ${
          report.contracts
            .filter((c) => c.emailed)
            .map((c) => c.contractId)
            .join(", ") || "none"
        }`;
    return {
      json,
      text: [
        heading,
        rows.length > 0
          ? table(["contract", "period", "deadline", "old", "new"], rows)
          : "no stored deadline moves",
        summary,
      ].join("\n"),
    };
  },
};

export default command;
