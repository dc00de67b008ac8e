/** The working-day calendar a handler or an ops command uses: shipped years plus the stack's (ADR 0041). */
import { listCalendarYears } from "../adapters/calendar-store";
import { useStackYears } from "../core/calendar";

/** Reads the stack's official years and makes them part of `defaultCalendar()` for this invocation. */
export async function loadStackCalendar(): Promise<void> {
  useStackYears(await listCalendarYears());
}
