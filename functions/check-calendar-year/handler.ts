/** CalendarCheck: "Warn Party B if next year's calendar is still provisional" (R-WD-3). */
import * as z from "zod";
import { loadStackCalendar } from "../app/calendar";
import { checkNextYearCalendar } from "../app/calendar-check";
import { lambdaHandler } from "../handler-kit";
import { instant } from "../schemas";

export const handler = lambdaHandler(
  "check-calendar-year",
  z.object({ firesAt: instant }),
  checkNextYearCalendar,
  {
    workingDays: loadStackCalendar,
  },
);
