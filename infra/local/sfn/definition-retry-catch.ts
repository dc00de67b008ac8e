/** `Retry` and `Catch` of Task, Parallel and Map states: retriers and catchers with AWS's defaults. */

import {
  asObject,
  checkFields,
  compileAssign,
  isNonNegativeInt,
  isPositiveInt,
  optionalValue,
} from "./definition-fields";
import type { Catcher, Retrier } from "./definition-types";
import { InvalidDefinitionError } from "./errors";

export function compileRetry(raw: unknown, where: string): Retrier[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new InvalidDefinitionError(`${where}: field 'Retry' must be an array`);
  return raw.map((r, i) => {
    const w = `${where} Retry[${i}]`;
    const o = asObject(r, w);
    checkFields(
      o,
      [
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
        "Comment",
      ],
      w,
    );
    const errorEquals = errorNames(o.ErrorEquals, w, i === raw.length - 1);
    const num = (field: string, fallback: number, ok: (v: unknown) => boolean, rule: string): number => {
      const v = o[field];
      if (v === undefined) return fallback;
      if (!ok(v)) throw new InvalidDefinitionError(`${w}: field '${field}' must be ${rule}`);
      return v as number;
    };
    const jitter = o.JitterStrategy ?? "NONE";
    if (jitter !== "FULL" && jitter !== "NONE")
      throw new InvalidDefinitionError(`${w}: field 'JitterStrategy' must be FULL or NONE`);
    return {
      errorEquals,
      intervalSeconds: num("IntervalSeconds", 1, isPositiveInt, "a positive integer"),
      maxAttempts: num("MaxAttempts", 3, isNonNegativeInt, "a non-negative integer"),
      backoffRate: num("BackoffRate", 2, (v) => typeof v === "number" && v >= 1, "a number >= 1.0"),
      maxDelaySeconds:
        o.MaxDelaySeconds === undefined
          ? undefined
          : num("MaxDelaySeconds", 0, isPositiveInt, "a positive integer"),
      jitter,
    };
  });
}

export function compileCatch(raw: unknown, where: string): Catcher[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new InvalidDefinitionError(`${where}: field 'Catch' must be an array`);
  return raw.map((c, i) => {
    const w = `${where} Catch[${i}]`;
    const o = asObject(c, w);
    checkFields(o, ["ErrorEquals", "Next", "Output", "Assign", "Comment"], w);
    if (typeof o.Next !== "string")
      throw new InvalidDefinitionError(`${w}: field 'Next' must be a state name`);
    return {
      errorEquals: errorNames(o.ErrorEquals, w, i === raw.length - 1),
      next: o.Next,
      output: optionalValue(o.Output, `${w} field 'Output'`),
      assign: compileAssign(o.Assign, `${w} field 'Assign'`),
    };
  });
}

function errorNames(raw: unknown, where: string, last: boolean): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((e) => typeof e === "string")) {
    throw new InvalidDefinitionError(
      `${where}: field 'ErrorEquals' must be a non-empty array of error names`,
    );
  }
  if (raw.includes("States.ALL") && (raw.length > 1 || !last)) {
    throw new InvalidDefinitionError(`${where}: 'States.ALL' must appear alone in the last retrier/catcher`);
  }
  return raw as string[];
}
