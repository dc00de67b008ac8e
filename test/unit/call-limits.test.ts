/**
 * R-CALL-1 (附件七第六条): at most 500 calls a day from one calling number, at most 10 a day from all of
 * Party A's numbers to one callee. The counter is checked against hand-counted days and against a
 * brute-force count of every (day, number) pair over random call lists, in any order of the calls.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CallCounter,
  type CallRule,
  type CallViolation,
} from "../../functions/core/sms-governance/call-limits";
import type { RecordFields } from "../../functions/core/usage-csv";
import { phoneNumberKey } from "../../functions/core/usage-csv/fields";

const CONTRACT_LIMITS = { callsPerCallingNumberPerDay: 500, callsPerCalleePerDay: 10 };

type Call = [date: string, calling: string, called: string];

/** The reference: for each rule, count the calls of each (day, number) by scanning the whole list. */
function bruteForce(calls: Call[], limits: typeof CONTRACT_LIMITS): CallViolation[] {
  const found: CallViolation[] = [];
  const rules: [CallRule, 1 | 2, number][] = [
    ["per-calling-number", 1, limits.callsPerCallingNumberPerDay],
    ["per-callee", 2, limits.callsPerCalleePerDay],
  ];
  for (const [rule, field, limit] of rules) {
    const pairs = new Set(calls.map((call) => JSON.stringify([call[0], call[field]])));
    for (const pair of pairs) {
      const [date, number] = JSON.parse(pair) as [string, string];
      const count = calls.filter((call) => call[0] === date && call[field] === number).length;
      if (count > limit) found.push({ date, rule, number, calls: count });
    }
  }
  const order = { "per-calling-number": 0, "per-callee": 1 };
  return found.sort((a, b) =>
    a.date < b.date
      ? -1
      : a.date > b.date
        ? 1
        : order[a.rule] - order[b.rule] || (a.number < b.number ? -1 : 1),
  );
}

/** A record's two numbers as the voice parser hands them to the check (their bytes, their text). */
function numbers(calling: string, called: string): RecordFields {
  const texts = [calling, called];
  return {
    width: 2,
    text: (field) => texts[field] as string,
    phoneNumberKey: (field) => {
      const bytes = new TextEncoder().encode(texts[field]);
      return phoneNumberKey(bytes, 0, bytes.length);
    },
  };
}

function counted(calls: Call[], limits = CONTRACT_LIMITS): CallViolation[] {
  const counter = new CallCounter(limits);
  for (const [date, calling, called] of calls) {
    const fields = numbers(calling, called);
    counter.outboundCall(date, counter.keyOf(fields, 0), counter.keyOf(fields, 1));
  }
  return counter.violations();
}

describe("R-CALL-1 call counter", () => {
  it("accepts 500 calls from one number and 10 to one callee in a day (the limits themselves)", () => {
    const calls: Call[] = Array.from({ length: 500 }, (_, i) => [
      "2025-08-04",
      "043180001111",
      `1390431${String(i % 50).padStart(4, "0")}`,
    ]);
    expect(counted(calls)).toEqual([]);
  });

  it("names the 501st call from one number and the 11th to one callee, per Asia/Shanghai day", () => {
    const calls: Call[] = [
      ...Array.from({ length: 501 }, (_, i): Call => ["2025-08-04", "043180001111", `1390431${i}`]),
      ...Array.from({ length: 11 }, (_, i): Call => ["2025-08-05", `04318000${2000 + i}`, "13904310000"]),
      // The same callee the next day starts again from zero.
      ...Array.from({ length: 10 }, (_, i): Call => ["2025-08-06", `04318000${3000 + i}`, "13904310000"]),
    ];
    expect(counted(calls)).toEqual([
      { date: "2025-08-04", rule: "per-calling-number", number: "043180001111", calls: 501 },
      { date: "2025-08-05", rule: "per-callee", number: "13904310000", calls: 11 },
    ]);
  });

  it("finds exactly the pairs a brute-force count finds, in any order of the calls", () => {
    const call = fc.tuple(
      fc.constantFrom("2025-08-01", "2025-08-02", "2025-08-31"),
      fc.constantFrom("0431800001", "0431800002", "0431800003"),
      fc.constantFrom("139001", "139002", "139003", "0431800001"),
    );
    const limits = { callsPerCallingNumberPerDay: 4, callsPerCalleePerDay: 2 };
    fc.assert(
      fc.property(fc.array(call, { maxLength: 60 }), (calls) => {
        expect(counted(calls, limits)).toEqual(bruteForce(calls, limits));
      }),
      { seed: 20251201, numRuns: 300 },
    );
  });
});
