/**
 * Which days an official year changes against the calendar in use (R-WD-3): the provisional year it
 * replaces, or the official data it corrects. Used to show an import's effect before anything moves.
 */
import { CalendarError, type OfficialYear, WorkingDayCalendar } from "./calendar";
import { addDays, type LocalDate } from "./time";

export type DayKind = "working" | "off";

export interface CalendarChanges {
  /** What the year was before: provisional, official (a correction), or not computable at all. */
  replaces: "provisional" | "official" | "none";
  days: { date: LocalDate; was: DayKind; now: DayKind }[];
}

const kind = (working: boolean): DayKind => (working ? "working" : "off");

export function calendarChanges(current: WorkingDayCalendar, year: OfficialYear): CalendarChanges {
  let replaces: CalendarChanges["replaces"];
  try {
    replaces = current.yearStatus(year.year);
  } catch (error) {
    if (error instanceof CalendarError) return { replaces: "none", days: [] };
    throw error;
  }
  const next = new WorkingDayCalendar([year]);
  const y = String(year.year).padStart(4, "0");
  // The notice may also move days in the December before (officialYearSchema); only those it names.
  const december = [...year.holidays, ...year.makeUpWorkdays].filter((d) => !d.startsWith(`${y}-`)).sort();
  const days: CalendarChanges["days"] = [];
  const compare = (date: LocalDate) => {
    const was = kind(current.isWorkingDay(date).working);
    const now = kind(next.isWorkingDay(date).working);
    if (was !== now) days.push({ date, was, now });
  };
  for (const date of december) compare(date);
  for (let date = `${y}-01-01`; date.startsWith(`${y}-`); date = addDays(date, 1)) compare(date);
  return { replaces, days };
}
