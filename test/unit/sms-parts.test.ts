import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePointLength, smsParts, smsPartsForText } from "../../functions/core/sms";

const SIGNATURE = "吉林医保";

describe("SMS billed parts (R-SMS-1)", () => {
  it("R-SMS-1: 64 content characters with 【吉林医保】 fill exactly 70 → 1 part; 65 → 2", () => {
    expect(smsParts(64, SIGNATURE)).toBe(1);
    expect(smsParts(65, SIGNATURE)).toBe(2);
    expect(smsPartsForText("医".repeat(64), SIGNATURE)).toBe(1);
    expect(smsPartsForText("医".repeat(65), SIGNATURE)).toBe(2);
  });

  it("R-SMS-1: signed text of 70 vs 71 characters", () => {
    // content + signature (4) + brackets (2)
    expect(smsParts(70 - 6, SIGNATURE)).toBe(1);
    expect(smsParts(71 - 6, SIGNATURE)).toBe(2);
    expect(smsParts(140 - 6, SIGNATURE)).toBe(2);
    expect(smsParts(141 - 6, SIGNATURE)).toBe(3);
  });

  it("R-SMS-1: an empty message is still one billed message", () => {
    expect(smsParts(0, SIGNATURE)).toBe(1);
    expect(smsPartsForText("", SIGNATURE)).toBe(1);
  });

  it("R-SMS-1: counts every character alike, Latin or Chinese", () => {
    expect(smsPartsForText("a".repeat(64), SIGNATURE)).toBe(1);
    expect(smsPartsForText("a".repeat(65), SIGNATURE)).toBe(2);
  });

  it("R-SMS-1: an emoji is one character (code points, not UTF-16 units)", () => {
    expect(codePointLength("😀")).toBe(1);
    expect(codePointLength("医保😀")).toBe(3);
    expect(smsPartsForText("😀".repeat(64), SIGNATURE)).toBe(1);
    expect(smsPartsForText("😀".repeat(65), SIGNATURE)).toBe(2);
  });

  it("R-SMS-1: the part length is the contract's and configurable", () => {
    expect(smsParts(61, SIGNATURE, 67)).toBe(1);
    expect(smsParts(62, SIGNATURE, 67)).toBe(2);
    expect(() => smsParts(10, SIGNATURE, 6)).toThrow(RangeError);
  });

  it("rejects impossible lengths", () => {
    expect(() => smsParts(-1, SIGNATURE)).toThrow(RangeError);
    expect(() => smsParts(1.5, SIGNATURE)).toThrow(RangeError);
  });

  it("R-SMS-1 (property): parts never decrease as text grows", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 400 }),
        fc.string({ unit: "grapheme", maxLength: 80 }),
        (text, more) => {
          expect(smsPartsForText(text + more, SIGNATURE)).toBeGreaterThanOrEqual(
            smsPartsForText(text, SIGNATURE),
          );
        },
      ),
    );
  });

  it("R-SMS-1 (property): parts = ⌈(n + 6) / 70⌉ and each part holds at most 70 characters", () => {
    fc.assert(
      fc.property(fc.nat(10_000), (n) => {
        const parts = smsParts(n, SIGNATURE);
        expect(parts * 70).toBeGreaterThanOrEqual(n + 6);
        expect((parts - 1) * 70).toBeLessThan(n + 6);
      }),
    );
  });
});
