/**
 * The values an operator types into `ops` commands, checked before anything is read or changed. A wrong value
 * is an {@link InputError} (exit 1) with one line naming the field, the value and what is expected; a missing
 * or unknown flag stays a UsageError (exit 2). Every command reads its flags through these helpers so the same
 * field is refused the same way everywhere.
 */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { type Contract, ContractInvalidError, loadContract } from "../../functions/core/contract";
import {
  InvalidMoneyError,
  PERCENT_PATTERN,
  parseYuanToFen,
  type SignPolicy,
  yuanExpectation,
} from "../../functions/core/money";
import {
  InvalidDateError,
  type LocalDate,
  type Period,
  parseLocalDate,
  parsePeriod,
  startOfDay,
} from "../../functions/core/time";
import { isUsageEncoding, USAGE_ENCODINGS_TEXT, type UsageEncoding } from "../../functions/core/usage-csv";
import { InputError, UsageError } from "./cli-kit";

/** The one-line refusal: `--amount "-100.00": expected a money amount greater than 0 …`. */
export function invalidValue(
  field: string,
  value: string,
  expected: string,
  options?: ErrorOptions,
): InputError {
  return new InputError(`${field} ${JSON.stringify(value)}: expected ${expected}`, options);
}

/** Positional arguments a command does not take are a usage error. */
export function noPositionals(positionals: readonly string[], usage: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}\nusage: ${usage}`);
}

/** Yuan text (R-MONEY-1) in fen, under the caller's sign policy. */
export function moneyValue(field: string, text: string, sign: SignPolicy): bigint {
  try {
    return parseYuanToFen(text, sign);
  } catch (error) {
    if (error instanceof InvalidMoneyError)
      throw invalidValue(field, text, yuanExpectation(sign), { cause: error });
    throw error;
  }
}

/** A percentage as the contract writes them ("5", "2.5"). */
export function percentValue(field: string, text: string): string {
  if (!PERCENT_PATTERN.test(text)) {
    throw invalidValue(field, text, 'a percentage with at most 3 digits and 4 decimals, e.g. "5" or "2.5"');
  }
  return text;
}

/** The encoding of a usage CSV (docs/usage-csv.md); UTF-8 when not given. */
export function encodingValue(field: string, text: string | undefined): UsageEncoding {
  if (text === undefined) return "utf-8";
  const value = text.toLowerCase();
  if (!isUsageEncoding(value)) {
    throw invalidValue(field, text, USAGE_ENCODINGS_TEXT);
  }
  return value;
}

/** A calendar day, `YYYY-MM-DD`. */
export function dayValue(field: string, text: string): LocalDate {
  try {
    return parseLocalDate(text);
  } catch (error) {
    if (error instanceof InvalidDateError) {
      throw invalidValue(field, text, "a calendar day YYYY-MM-DD, e.g. 2025-10-21", { cause: error });
    }
    throw error;
  }
}

/** A billing period, `YYYY-MM` (R-PERIOD-1: a calendar month). */
export function periodValue(field: string, text: string): Period {
  try {
    return parsePeriod(text);
  } catch (error) {
    if (error instanceof InvalidDateError) {
      throw invalidValue(field, text, "a billing period YYYY-MM, e.g. 2025-09", { cause: error });
    }
    throw error;
  }
}

/** A whole number in `[min, max]`, digits only (no sign, exponent or decimals). */
export function wholeNumberValue(field: string, text: string, min: number, max: number): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max))
    throw invalidValue(field, text, `a whole number from ${min} to ${max}`);
  return value;
}

/** One of a fixed set of words. */
export function choiceValue<T extends string>(field: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text))
    throw invalidValue(field, text, `one of ${choices.join(", ")}`);
  return text as T;
}

/** A contract number as contracts are stored under (6–32 digits or capital letters). */
export function contractIdValue(field: string, text: string): string {
  if (!/^[0-9A-Z]{6,32}$/.test(text)) {
    throw invalidValue(
      field,
      text,
      "a contract number of 6–32 digits or capital letters, e.g. 11NA0700211920254001",
    );
  }
  return text;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An instant with an explicit offset (`2025-10-21T10:00:00+08:00`), or a bare day taken as its start in
 * Asia/Shanghai. A time without an offset is refused: its meaning would depend on the host's time zone.
 */
export function instantValue(field: string, text: string): Date {
  const expected = "an instant with an offset like 2025-10-21T10:00:00+08:00, or a day YYYY-MM-DD";
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    try {
      return startOfDay(parseLocalDate(text));
    } catch (error) {
      throw invalidValue(field, text, expected, { cause: error });
    }
  }
  const match = INSTANT.exec(text);
  if (!match) throw invalidValue(field, text, expected);
  const [, day, hours, minutes, seconds, , sign, offsetHours, offsetMinutes] = match;
  try {
    parseLocalDate(day as string);
  } catch (error) {
    throw invalidValue(field, text, expected, { cause: error });
  }
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds ?? 0) > 59) {
    throw invalidValue(field, text, expected);
  }
  if (sign && (Number(offsetHours) > 14 || Number(offsetMinutes) > 59))
    throw invalidValue(field, text, expected);
  return new Date(text);
}

/** A file the command reads (a usage CSV, a complaints feed): missing or unreadable is bad input (exit 1). */
export async function readableFileValue(field: string, path: string, what: string): Promise<string> {
  try {
    await access(path, constants.R_OK);
    return path;
  } catch (error) {
    throw invalidValue(field, path, what, { cause: error });
  }
}

/** Loads a contract file; a missing, unreadable or invalid file is bad input (exit 1). */
export async function contractFileValue(field: string, path: string): Promise<Contract> {
  try {
    return await loadContract(path);
  } catch (error) {
    if (error instanceof ContractInvalidError)
      throw new InputError(`${field} ${path}: ${error.message}`, { cause: error });
    if (typeof (error as NodeJS.ErrnoException).code === "string") {
      throw invalidValue(field, path, "a readable contract file (contracts/<contract number>.json)", {
        cause: error,
      });
    }
    throw error;
  }
}
