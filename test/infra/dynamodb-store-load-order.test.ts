/**
 * ADR 0101: the embedded DynamoDB is dynalite loaded by infra/local/dynamodb-store.ts, with item and key sizes in
 * UTF-8 bytes as DynamoDB measures them. A dynalite loaded any other way first measures strings in UTF-16 units;
 * loadDynalite refuses it instead of quietly serving from it. Its own file: the published dynalite it loads stays
 * in this test process's module cache.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { loadDynalite, requireFromDynalite } from "../../infra/local/dynamodb-store";

describe("loadDynalite (ADR 0101)", () => {
  it("refuses a dynalite something else loaded first, naming why, and keeps refusing it", () => {
    const published = createRequire(import.meta.url)("dynalite") as unknown;
    expect(typeof published).toBe("function");
    // The published db module measures 合同 under 名 in UTF-16 units: 1 + 2 = 3, where DynamoDB counts 9 bytes.
    const db = requireFromDynalite()("./db") as { itemSize(item: object): number };
    expect(db.itemSize({ 名: { S: "合同" } })).toBe(3);
    expect(() => loadDynalite()).toThrow(/loaded before .*UTF-16 units, not UTF-8 bytes as DynamoDB does/);
    expect(() => loadDynalite()).toThrow(/loaded before/);
  });
});
