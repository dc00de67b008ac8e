/**
 * The contract and period a handler's log lines carry (functions/handler-kit.ts `correlationKeys`) are read
 * without zod (ADR 0114). The oracle is zod itself, the schema the kit parsed the event with before: the keys
 * are those of a successful parse, without empty texts, and none when the parse fails.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { correlationKeys } from "../../functions/handler-kit";

const correlated = z.object({ contractId: z.string().optional(), period: z.string().optional() });

function byZod(event: unknown) {
  const keys = correlated.safeParse(event);
  if (!keys.success) return {};
  const { contractId, period } = keys.data;
  return { ...(contractId ? { contractId } : {}), ...(period ? { period } : {}) };
}

const field = fc.oneof(fc.constant(undefined), fc.string(), fc.integer(), fc.constant(null), fc.boolean());
const events = fc.oneof(
  fc.record({ contractId: field, period: field, other: fc.anything() }, { requiredKeys: [] }),
  fc.anything(),
);

describe("correlationKeys", () => {
  it("names what zod's schema of the two keys accepts, for any event", () => {
    fc.assert(
      fc.property(events, (event) => {
        expect(correlationKeys(event)).toEqual(byZod(event));
      }),
      { numRuns: 3000 },
    );
  });

  it("names the contract and period of a step's event, and nothing of a malformed one", () => {
    expect(correlationKeys({ contractId: "11NA0700211920254001", period: "2025-08", x: 1 })).toEqual({
      contractId: "11NA0700211920254001",
      period: "2025-08",
    });
    expect(correlationKeys({ contractId: "C1", period: "" })).toEqual({ contractId: "C1" });
    expect(correlationKeys({ contractId: "C1", period: 202508 })).toEqual({});
    expect(correlationKeys([{ contractId: "C1" }])).toEqual({});
    expect(correlationKeys(null)).toEqual({});
    expect(correlationKeys("C1")).toEqual({});
  });
});
