/**
 * EventBridge Scheduler cron expressions — `cron(minutes hours day-of-month month day-of-week year)` —
 * evaluated in an IANA time zone, as Scheduler does for a schedule's ScheduleExpressionTimezone
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based).
 *
 * Supported: numbers, `*`, `?` (day-of-month or day-of-week, exactly one of them), lists `a,b`,
 * ranges `a-b`, increments `a/n` `*\/n` `a-b/n`, month names JAN–DEC, day names SUN–SAT (1 = SUN),
 * and `L` alone in day-of-month. `W`, `#` and `L` in day-of-week are rejected rather than misread.
 */

export class CronExpressionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CronExpressionError";
  }
}

interface Field {
  values: Set<number>;
  any: boolean;
}

export interface CronSchedule {
  /** First firing strictly after `after`. */
  nextAfter(after: Date): Date | undefined;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

export function parseCron(expression: string, timeZone: string): CronSchedule {
  const body = expression.trim().replace(/^cron\((.*)\)$/, "$1");
  const parts = body.split(/\s+/);
  if (parts.length !== 6) {
    throw new CronExpressionError(
      `cron '${expression}': expected 6 fields (minutes hours day-of-month month day-of-week year)`,
    );
  }
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === "?") === (dow === "?")) {
    throw new CronExpressionError(
      `cron '${expression}': exactly one of day-of-month and day-of-week must be '?'`,
    );
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch (error) {
    throw new CronExpressionError(`unknown time zone '${timeZone}'`, { cause: error });
  }
  const minutes = parseField(min, 0, 59, [], expression, "minutes");
  const hours = parseField(hour, 0, 23, [], expression, "hours");
  const lastDayOfMonth = dom === "L";
  const days =
    dom === "?" || lastDayOfMonth ? undefined : parseField(dom, 1, 31, [], expression, "day-of-month");
  const months = parseField(month, 1, 12, MONTHS, expression, "month");
  const weekdays = dow === "?" ? undefined : parseField(dow, 1, 7, DAYS, expression, "day-of-week");
  const years = parseField(year, 1970, 2199, [], expression, "year");
  const zone = new ZoneConverter(timeZone);

  const dayMatches = (y: number, m: number, d: number): boolean => {
    if (!months.any && !months.values.has(m)) return false;
    if (!years.any && !years.values.has(y)) return false;
    if (lastDayOfMonth) return d === daysInMonth(y, m);
    if (days) return days.any || days.values.has(d);
    const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1;
    return (weekdays as Field).any || (weekdays as Field).values.has(weekday);
  };
  const sortedHours = range(0, 23).filter((h) => hours.any || hours.values.has(h));
  const sortedMinutes = range(0, 59).filter((m) => minutes.any || minutes.values.has(m));

  return {
    nextAfter(after: Date): Date | undefined {
      const start = zone.toLocal(after.getTime());
      let day = Date.UTC(start.year, start.month - 1, start.day);
      // Ten years of days bounds the search; a year field can make a schedule end.
      for (let i = 0; i < 3700; i++, day += 86_400_000) {
        const d = new Date(day);
        const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        if (!dayMatches(y, m, dd)) continue;
        for (const h of sortedHours) {
          for (const mi of sortedMinutes) {
            const at = zone.toUtc(y, m, dd, h, mi);
            if (at > after.getTime()) return new Date(at);
          }
        }
      }
      return undefined;
    },
  };
}

function parseField(
  text: string,
  lo: number,
  hi: number,
  names: string[],
  expr: string,
  what: string,
): Field {
  if (text === "*" || text === "?") return { values: new Set(), any: true };
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + 1 : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!Number.isInteger(n) || n < lo || n > hi) {
      throw new CronExpressionError(
        `cron '${expr}': ${what} value '${token}' is not supported (expected ${lo}-${hi})`,
      );
    }
    return n;
  };
  for (const part of text.split(",")) {
    const [rangePart, stepPart] = part.split("/") as [string, string | undefined];
    const step = stepPart === undefined ? 1 : Number(stepPart);
    if (!Number.isInteger(step) || step < 1)
      throw new CronExpressionError(`cron '${expr}': bad increment in ${what} '${part}'`);
    let from: number;
    let to: number;
    if (rangePart === "*") [from, to] = [lo, hi];
    else if (rangePart.includes("-")) {
      const [a, b] = rangePart.split("-") as [string, string];
      [from, to] = [value(a), value(b)];
    } else {
      from = value(rangePart);
      to = stepPart === undefined ? from : hi;
    }
    if (from > to) throw new CronExpressionError(`cron '${expr}': ${what} range '${part}' runs backwards`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values, any: false };
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Wall-clock <-> UTC in one IANA zone through Intl (DST-aware by two-pass offset lookup). */
class ZoneConverter {
  private readonly fmt: Intl.DateTimeFormat;
  constructor(timeZone: string) {
    this.fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  toLocal(utcMs: number): {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
  } {
    const parts: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(new Date(utcMs))) {
      if (p.type !== "literal") parts[p.type] = Number(p.value);
    }
    return {
      year: parts.year as number,
      month: parts.month as number,
      day: parts.day as number,
      hour: parts.hour as number,
      minute: parts.minute as number,
      second: parts.second as number,
    };
  }

  private offsetAt(utcMs: number): number {
    const l = this.toLocal(utcMs);
    return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - Math.floor(utcMs / 1000) * 1000;
  }

  toUtc(y: number, m: number, d: number, h: number, mi: number): number {
    const wall = Date.UTC(y, m - 1, d, h, mi);
    const first = wall - this.offsetAt(wall);
    return wall - this.offsetAt(first);
  }
}
