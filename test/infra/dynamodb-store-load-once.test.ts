/**
 * ADR 0101: loadDynalite loads dynalite once per process, with UTF-8 sizes; every later call (each embedded
 * stack a process starts) gets that same factory, not a refusal.
 */
import { describe, expect, it } from "vitest";
import { loadDynalite, requireFromDynalite } from "../../infra/local/dynamodb-store";

describe("loadDynalite (ADR 0101)", () => {
  it("returns the one dynalite it loaded, sizing strings in UTF-8 bytes, on every call", () => {
    const first = loadDynalite();
    expect(loadDynalite()).toBe(first);
    // 名 is 3 bytes of UTF-8 and 合同 6: 9, where UTF-16 units would make 3.
    const db = requireFromDynalite()("./db") as { itemSize(item: object): number };
    expect(db.itemSize({ 名: { S: "合同" } })).toBe(9);
  });
});
