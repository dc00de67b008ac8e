import { describe, expect, it } from "vitest";
import type { ParsedReply } from "../../functions/core/reply/parse-message";
import { assessTrust, replyKeyFromRecipients, type TrustInput } from "../../functions/core/reply/trust";

const CONTACT = "mali@partya.example";
const DEADLINE = new Date("2026-09-10T15:59:59.999Z");

function parsed(overrides: Partial<ParsedReply> = {}): ParsedReply {
  return {
    messageId: "<a@partya.example>",
    from: CONTACT,
    returnPath: CONTACT,
    to: ["reply+abcdefghijklmnopqrstuvwxyz@replies.partyb.example"],
    subject: "回复：账单",
    date: new Date("2026-09-03T03:15:07Z"),
    newText: "确认无误",
    fullText: "确认无误",
    attachments: [],
    problems: [],
    ...overrides,
  };
}

function input(overrides: Partial<TrustInput> = {}): TrustInput {
  return {
    parsed: parsed(),
    designatedContactEmail: "MaLi@PartyA.example",
    verdicts: { spf: "PASS", dkim: "PASS", dmarc: "PASS", spam: "PASS", virus: "PASS" },
    replyKeyKnown: true,
    replyKeyOpen: true,
    alreadyProcessed: false,
    receivedAt: new Date("2026-09-03T03:15:08Z"),
    deadline: DEADLINE,
    ...overrides,
  };
}

describe("R-RECON-1: trusting a reply", () => {
  it("trusts the designated contact (case-insensitive) on an open key before the deadline", () => {
    expect(assessTrust(input())).toEqual({ trusted: true, late: false });
  });

  it("trusts a message without Return-Path and with GRAY verdicts for SPF/DKIM/DMARC", () => {
    const verdicts = { spf: "GRAY", dkim: "PROCESSING_FAILED", dmarc: "GRAY", spam: "PASS", virus: "PASS" };
    expect(assessTrust(input({ parsed: parsed({ returnPath: null }), verdicts }))).toEqual({
      trusted: true,
      late: false,
    });
  });

  it("R-RECON-5: a reply after the deadline is trusted but late (recorded, reopens nothing)", () => {
    expect(assessTrust(input({ receivedAt: new Date("2026-09-10T16:00:00Z") }))).toEqual({
      trusted: true,
      late: true,
    });
  });

  it.each([
    [
      "a spoofed sender",
      { parsed: parsed({ from: "mali@partya.example.evil.example" }) },
      "sender-not-contact",
    ],
    ["no single From", { parsed: parsed({ from: null }) }, "sender-not-contact"],
    [
      "a foreign Return-Path",
      { parsed: parsed({ returnPath: "bounce@evil.example" }) },
      "return-path-not-contact",
    ],
    ["the null Return-Path", { parsed: parsed({ returnPath: "" }) }, "return-path-not-contact"],
    [
      "failed DMARC",
      { verdicts: { spf: "PASS", dkim: "PASS", dmarc: "FAIL", spam: "PASS", virus: "PASS" } },
      "verdict-failed",
    ],
    [
      "failed SPF",
      { verdicts: { spf: "fail", dkim: "PASS", dmarc: "PASS", spam: "PASS", virus: "PASS" } },
      "verdict-failed",
    ],
    [
      "spam",
      { verdicts: { spf: "PASS", dkim: "PASS", dmarc: "PASS", spam: "FAIL", virus: "PASS" } },
      "verdict-failed",
    ],
    [
      "an unscanned virus verdict",
      { verdicts: { spf: "PASS", dkim: "PASS", dmarc: "PASS", spam: "PASS", virus: "GRAY" } },
      "verdict-failed",
    ],
    ["an unknown reply key", { replyKeyKnown: false, replyKeyOpen: false }, "unknown-reply-key"],
    ["a closed reply key", { replyKeyOpen: false }, "closed-reply-key"],
    ["a duplicate delivery", { alreadyProcessed: true, replyKeyOpen: false }, "duplicate"],
  ] as const)("R-RECON-1: rejects %s", (_name, overrides, reasonCode) => {
    const result = assessTrust(input(overrides as Partial<TrustInput>));
    expect(result).toMatchObject({ trusted: false, reasonCode });
    expect(result.trusted === false && result.reason.length > 0).toBe(true);
  });

  it("reports a forged message to a closed key as forged, never as already recorded", () => {
    const result = assessTrust(input({ replyKeyOpen: false, parsed: parsed({ from: "x@evil.example" }) }));
    expect(result).toMatchObject({ trusted: false, reasonCode: "sender-not-contact" });
  });
});

describe("R-RECON-1: the reply key in the recipient address", () => {
  const key32 = "abcdefghijklmnopqrstuvwxyz";
  const key64 = "Ab3_-x9Qz0LmN8pR2sT4uV";

  it("finds a base32 or base64url key of at least 128 bits", () => {
    expect(replyKeyFromRecipients([`reply+${key32}@replies.partyb.example`], "replies.partyb.example")).toBe(
      key32,
    );
    expect(
      replyKeyFromRecipients([`"对账" <reply+${key64}@Replies.PartyB.example>`], "replies.partyb.example"),
    ).toBe(key64);
    expect(replyKeyFromRecipients(["someone@else.example", `reply+${key32}@r.example`])).toBe(key32);
  });

  it.each([
    ["a short key", ["reply+abc123@replies.partyb.example"]],
    ["a 25-character base32 key", [`reply+${key32.slice(1)}@replies.partyb.example`]],
    ["characters outside the alphabet", [`reply+${key32}!@replies.partyb.example`]],
    ["another domain", [`reply+${key32}@evil.example`]],
    ["no reply address", ["wangyiqun@jl.chinamobile.com"]],
    [
      "two different keys",
      [`reply+${key32}@replies.partyb.example`, `reply+${key64}@replies.partyb.example`],
    ],
    ["no recipients", []],
  ])("returns null for %s", (_name, recipients) => {
    expect(replyKeyFromRecipients(recipients, "replies.partyb.example")).toBeNull();
  });

  it("accepts the same key addressed twice", () => {
    const to = `reply+${key32}@replies.partyb.example`;
    expect(
      replyKeyFromRecipients(
        [to, to.toUpperCase().replace(key32.toUpperCase(), key32)],
        "replies.partyb.example",
      ),
    ).toBe(key32);
  });
});
