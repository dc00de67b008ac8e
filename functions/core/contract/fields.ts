/**
 * The value vocabulary of a contract file (合同): dates, money, prices, percentages, digit strings and rule
 * tunables, each refusing a wrong value with a message an operator can act on (the contract loader reports
 * every problem at once, with its JSON path).
 */
import * as z from "zod";
import { MONEY_PATTERN, UNIT_PRICE_PATTERN } from "../money";
import { InvalidDateError, parseLocalDate } from "../time";

export const RULE_ID = /^R-[A-Z]+-\d+$/;

export const localDate = z.string().refine(
  (text) => {
    try {
      parseLocalDate(text);
      return true;
    } catch (error) {
      if (error instanceof InvalidDateError) return false;
      throw error;
    }
  },
  { error: (issue) => `not a calendar date (YYYY-MM-DD): ${JSON.stringify(issue.input)}` },
);

export const nonEmpty = z.string().trim().min(1, "must not be empty");

/** R-MONEY-1: money is text with at most 2 decimals; "0.1e1" or 1.5 (a JSON number) are refused. */
const moneyText = z
  .string({ error: 'money must be a string like "1234.56" (R-MONEY-1: never a JSON number)' })
  .regex(MONEY_PATTERN, {
    error: (issue) => `not a money amount (e.g. "1234.56"): ${JSON.stringify(issue.input)}`,
  });

export const positiveMoneyText = moneyText.refine((text) => !text.startsWith("-") && /[1-9]/.test(text), {
  error: (issue) => `must be a positive amount: ${JSON.stringify(issue.input)}`,
});

export const unitPriceText = z
  .string({ error: 'a unit price must be a string like "0.06" (R-MONEY-1: never a JSON number)' })
  .regex(UNIT_PRICE_PATTERN, {
    error: (issue) =>
      typeof issue.input === "string" && issue.input.startsWith("-")
        ? `a price cannot be negative: ${JSON.stringify(issue.input)}`
        : `not a unit price (at most 4 decimals, e.g. "0.06"): ${JSON.stringify(issue.input)}`,
  });

export const percentText = z.string().regex(/^\d+(\.\d{1,4})?$/, {
  error: (issue) => `not a percentage like "5": ${JSON.stringify(issue.input)}`,
});

export const digits = (what: string, min: number, max: number) =>
  z.string().regex(new RegExp(`^\\d{${min},${max}}$`), `${what}: ${min}–${max} digits`);

export const positiveInt = z.number().int().positive();

/** A rule tunable: the value and the rule ID it parameterises (the ID must be the expected one). */
export function tunable<T extends z.ZodType>(value: T, rule: string) {
  return z.strictObject({
    value,
    rule: z.literal(rule, {
      error: (issue) => `expected rule "${rule}", got ${JSON.stringify(issue.input)}`,
    }),
  });
}
