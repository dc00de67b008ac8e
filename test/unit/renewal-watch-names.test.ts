/**
 * RenewalWatch execution names (AWS StartExecution: 1–80 characters of letters, digits, - and _; a name
 * is unique per state machine). The handler schema admits contract ids of up to 64 characters, and
 * terms up to 100; every handover of a term needs a name of its own.
 */
import { describe, expect, it } from "vitest";
import { renewalWatchName } from "../../functions/app/renewal-watch";

describe("renewalWatchName", () => {
  it("the term's first execution keeps its documented name <contractId>-term-<n>", () => {
    expect(renewalWatchName("11NA0700211920254001", 1)).toBe("11NA0700211920254001-term-1");
  });

  it("a 64-character contract id, term 100 and handover 99999 still fit in 80 characters", () => {
    const name = renewalWatchName("A".repeat(64), 100, 99_999);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("every handover of a term has its own name, distinct from the term's first execution and other terms", () => {
    const id = "B".repeat(64);
    const names = [0, 1, 2, 3, 10, 11].flatMap((handover) =>
      [1, 2, 11].map((term) => renewalWatchName(id, term, handover)),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it("refuses a name AWS would reject instead of truncating it into a collision", () => {
    expect(() => renewalWatchName("C".repeat(64), 100, 100_000)).toThrow(/80/);
  });
});
