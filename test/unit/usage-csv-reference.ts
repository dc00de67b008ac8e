/**
 * What the usage-file reference tests share (voice-csv-reference, sms-csv-reference): the period, an instant
 * reader written the obvious way (regex, Number, Date.UTC) from docs/usage-csv.md, and instant generators.
 * Not a test file itself.
 */
import fc from "fast-check";

export const PERIOD = "2025-09";
export const PERIOD_START_MS = Date.UTC(2025, 8, 1) - 8 * 3600_000;
export const PERIOD_END_MS = Date.UTC(2025, 9, 1) - 8 * 3600_000;

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

/** The instant in epoch ms, or undefined: the calendar checked by Date.UTC giving the same day back. */
export function referenceInstant(text: string): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  // A colon-less offset is exactly 4 digits and one with a colon 2+2; the regex admits both spellings.
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const dayMs = Date.UTC(year, month - 1, day);
  if (new Date(dayMs).getUTCDate() !== day || day < 1) return undefined;
  const millis = Number((m[7] ?? "").slice(0, 3).padEnd(3, "0"));
  let offsetMinutes = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 18 || om > 59) return undefined;
    offsetMinutes = (m[9] === "+" ? 1 : -1) * (oh * 60 + om);
  }
  return dayMs + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0"));

export const plainInstant = fc
  .record({ day: fc.integer({ min: 0, max: 31 }), hour: two(23), minute: two(59), second: two(59) })
  .map(({ day, hour, minute, second }) => {
    // Day 0 and day 31 are the days either side of September: outside the period.
    const date =
      day === 0 ? "2025-08-31" : day === 31 ? "2025-10-01" : `2025-09-${String(day).padStart(2, "0")}`;
    return `${date}T${hour}:${minute}:${second}+08:00`;
  });

export const oddInstant = fc.oneof(
  plainInstant.map((t) => t.replace("+08:00", "Z")),
  plainInstant.map((t) => t.replace("+08:00", "+0800")),
  plainInstant.map((t) => t.replace("+08:00", "-05:30")),
  fc
    .tuple(plainInstant, fc.stringMatching(/^\d{1,5}$/))
    .map(([t, fraction]) => t.replace("+08:00", `.${fraction}+08:00`)),
  plainInstant.map((t) => t.replace("+08:00", "")),
  plainInstant.map((t) => t.replace("T", " ")),
  fc.constantFrom(
    "2025-09-31T10:00:00+08:00",
    "2025-02-29T10:00:00+08:00",
    "2025-09-10T24:00:00+08:00",
    "2025-09-10T10:60:00+08:00",
    "2025-09-10T10:00:00+19:00",
    "2025-09-10T10:00:00+08:0",
    "2025-09-10T10:00:00.+08:00",
    "1969-12-31T23:59:59Z",
    "",
  ),
);

/**
 * Instants of a few minutes, so that record after record shares every byte but the seconds' (the fast paths
 * remember the last minute, ADR 0084): the seconds valid or not, and the minute's other spellings of 25
 * bytes (another offset, a four-digit fraction with Z) and of other lengths beside it. Two of the minutes
 * are the period's edges, one of them outside.
 */
export const sameMinuteInstant = fc
  .tuple(
    fc.constantFrom("2025-09-10T10:07", "2025-09-30T23:59", "2025-08-31T23:59", "2025-09-01T00:00"),
    fc.oneof(
      { weight: 3, arbitrary: two(59) },
      { weight: 1, arbitrary: fc.constantFrom("60", "6a", "5:", "99", "/9", "0", "", "0 ", ":0") },
    ),
    fc.oneof(
      { weight: 4, arbitrary: fc.constant("+08:00") },
      { weight: 2, arbitrary: fc.constantFrom("-05:30", ".1234Z", "+08:01", "+00:00", "+18:00") },
      {
        weight: 1,
        arbitrary: fc.constantFrom("Z", "+0800", ".5+08:00", "+08:60", "+19:00", ".abcdZ", "+08-00"),
      },
    ),
  )
  .map(([minute, second, suffix]) => `${minute}:${second}${suffix}`);
