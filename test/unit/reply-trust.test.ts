import { describe, expect, it } from "vitest";
import { readHeaderSection } from "../../functions/core/reply/headers";
import {
  assessTrust,
  replyKeyFromRecipients,
  type StatementFacts,
  type TrustInput,
} from "../../functions/core/reply/trust";

const CONTACT = "mali@partya.example";
const DEADLINE = new Date("2026-09-10T15:59:59.999Z");
const PASS = { spf: "PASS", dkim: "PASS", dmarc: "PASS", spam: "PASS", virus: "PASS" };
/** This period's statement went out as SES message 0100-sep; August's as 0100-aug (ids as SES returns them). */
const STATEMENT: StatementFacts = {
  sentAt: new Date("2026-09-02T01:00:00Z"),
  messageIds: ["0100-sep"],
  otherMessageIds: ["0100-aug"],
};

/** A header section as SES stores it: its Return-Path with the envelope sender first, then the client's. */
function headers(lines: string[], envelope = CONTACT) {
  return readHeaderSection(
    Buffer.from([`Return-Path: <${envelope}>`, ...lines, "", "确认无误", ""].join("\r\n")),
  );
}

const CLIENT_HEADERS = [
  "From: =?UTF-8?B?6bq75Li95Li9?= <mali@partya.example>",
  "To: reply+abcdefghijklmnopqrstuvwxyz@replies.partyb.example",
  "Subject: =?UTF-8?B?5Zue5aSN77ya6LSm5Y2V?=",
  "Date: Thu, 03 Sep 2026 11:15:07 +0800",
  "Message-ID: <a@partya.example>",
  "In-Reply-To: <0100-sep@email.amazonses.com>",
  "References: <0100-sep@email.amazonses.com>",
];

function input(overrides: Partial<TrustInput> = {}): TrustInput {
  return {
    envelopeSender: CONTACT,
    headers: headers(CLIENT_HEADERS),
    designatedContactEmail: "MaLi@PartyA.example",
    verdicts: PASS,
    replyKeyKnown: true,
    replyKeyOpen: true,
    alreadyProcessed: false,
    receivedAt: new Date("2026-09-03T03:15:08Z"),
    deadline: DEADLINE,
    statement: STATEMENT,
    ...overrides,
  };
}

/** The client's headers with `name` replaced by `lines` (or removed when none). */
function withHeader(name: string, ...lines: string[]) {
  const kept = CLIENT_HEADERS.filter((line) => !line.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return headers([...kept, ...lines]);
}

describe("R-RECON-1: trusting a reply on authenticated facts only", () => {
  it("trusts the designated contact (case-insensitive) on an open key before the deadline", () => {
    expect(assessTrust(input())).toEqual({ trusted: true, late: false });
  });

  it("trusts SES's sample Lambda event: BATV envelope sender, quoted display name, DMARC GRAY with DKIM and SPF PASS", () => {
    // The SES developer guide's "Sample incoming email event": source prvs=144d0cba7=sender@example.com,
    // From "Doe, John" <sender@example.com>, spf/dkim PASS, dmarc GRAY (the domain has no DMARC record).
    const sample = readHeaderSection(
      Buffer.from(
        [
          "Return-Path: <prvs=144d0cba7=sender@example.com>",
          'From: "Doe, John" <sender@example.com>',
          'To: "recipient@example.com" <recipient@example.com>',
          "Subject: This is a test",
          "Date: Mon, 5 Aug 2019 21:29:57 +0000",
          "Message-ID: <F8098FDD-49A3-442D-9935-F6112example@example.com>",
          "",
          "",
        ].join("\r\n"),
      ),
    );
    const result = assessTrust(
      input({
        envelopeSender: "prvs=144d0cba7=sender@example.com",
        designatedContactEmail: "sender@example.com",
        headers: sample,
        verdicts: { ...PASS, dmarc: "GRAY" },
        statement: { sentAt: new Date("2019-08-05T20:00:00Z"), messageIds: [], otherMessageIds: [] },
        receivedAt: new Date("2019-08-05T21:30:02.028Z"),
        deadline: null,
      }),
    );
    expect(result).toEqual({ trusted: true, late: false });
  });

  it("R-RECON-5: a reply after the deadline is trusted but late (recorded, reopens nothing)", () => {
    expect(assessTrust(input({ receivedAt: new Date("2026-09-10T16:00:00Z") }))).toEqual({
      trusted: true,
      late: true,
    });
  });

  it.each([
    // The attack as reported: envelope evil@attacker.test, From and an added Return-Path naming the contact.
    [
      "a forged From and Return-Path from another envelope sender",
      {
        envelopeSender: "evil@attacker.test",
        headers: headers([...CLIENT_HEADERS, "Return-Path: <mali@partya.example>"], "evil@attacker.test"),
      },
      "sender-not-contact",
    ],
    ["an empty envelope sender (bounce)", { envelopeSender: "" }, "sender-not-contact"],
    [
      "a look-alike envelope domain",
      { envelopeSender: "mali@partya.example.evil.example" },
      "sender-not-contact",
    ],
    [
      "a Kelvin sign in the envelope sender",
      { envelopeSender: "mali@partya.exampl\u212a".replace("\u212a", "\u212a") },
      "sender-not-contact",
    ],
    [
      "a second Return-Path",
      { headers: headers([...CLIENT_HEADERS, "Return-Path: <mali@partya.example>"]) },
      "repeated-header",
    ],
    [
      "two From headers",
      { headers: headers([...CLIENT_HEADERS, "From: evil@attacker.test"]) },
      "repeated-header",
    ],
    [
      'a From header written "From :" beside From',
      { headers: headers([...CLIENT_HEADERS, "From : evil@attacker.test"]) },
      "repeated-header",
    ],
    [
      "two Sender headers",
      { headers: headers([...CLIENT_HEADERS, "Sender: mali@partya.example", "Sender: x@attacker.test"]) },
      "repeated-header",
    ],
    [
      "an encoded word inside the address",
      { headers: withHeader("From", "From: <mali@=?utf-8?Q?partya.example?=>") },
      "from-not-sender",
    ],
    [
      "an encoded-word local part",
      { headers: withHeader("From", "From: =?utf-8?q?mali?=@partya.example") },
      "from-not-sender",
    ],
    [
      "a Kelvin sign in From",
      { headers: withHeader("From", "From: <mali@partya.exampl\u00e2\u0084\u00aa>") },
      "from-not-sender",
    ],
    [
      "two addresses in From",
      { headers: withHeader("From", "From: mali@partya.example evil@attacker.test") },
      "from-not-sender",
    ],
    [
      "a From list",
      { headers: withHeader("From", "From: mali@partya.example, evil@attacker.test") },
      "from-not-sender",
    ],
    [
      "a group in From",
      { headers: withHeader("From", "From: finance: mali@partya.example;") },
      "from-not-sender",
    ],
    [
      "an address in the display name",
      { headers: withHeader("From", 'From: "mali@partya.example" <evil@attacker.test>') },
      "from-not-sender",
    ],
    [
      "an unquoted address as display name",
      { headers: withHeader("From", "From: mali@partya.example <evil@attacker.test>") },
      "from-not-sender",
    ],
    [
      "a comment in From",
      { headers: withHeader("From", "From: mali@partya.example (Ma Li)") },
      "from-not-sender",
    ],
    ["no From", { headers: withHeader("From") }, "from-not-sender"],
    [
      "a Sender other than the envelope sender",
      { headers: headers([...CLIENT_HEADERS, "Sender: evil@attacker.test"]) },
      "from-not-sender",
    ],
    [
      "a reply to another period's statement",
      { headers: withHeader("In-Reply-To", "In-Reply-To: <0100-aug@email.amazonses.com>") },
      "references-other-statement",
    ],
    [
      "References naming another period",
      { headers: withHeader("References", "References: <x@partya.example> <0100-aug@email.amazonses.com>") },
      "references-other-statement",
    ],
    [
      "a Date before the statement was sent (a replayed reply)",
      { headers: withHeader("Date", "Date: Mon, 03 Aug 2026 11:15:07 +0800") },
      "dated-before-statement",
    ],
    ["no Date", { headers: withHeader("Date") }, "dated-before-statement"],
    ["DMARC FAIL", { verdicts: { ...PASS, dmarc: "FAIL" } }, "verdict-failed"],
    ["SPF fail (any case)", { verdicts: { ...PASS, spf: "fail" } }, "verdict-failed"],
    ["spam", { verdicts: { ...PASS, spam: "FAIL" } }, "verdict-failed"],
    ["an unscanned virus verdict", { verdicts: { ...PASS, virus: "GRAY" } }, "verdict-failed"],
    [
      "DMARC GRAY with DKIM GRAY (unsigned mail, no DMARC record)",
      { verdicts: { ...PASS, dmarc: "GRAY", dkim: "GRAY" } },
      "not-authenticated",
    ],
    ["DMARC GRAY with SPF GRAY", { verdicts: { ...PASS, dmarc: "GRAY", spf: "GRAY" } }, "not-authenticated"],
    ["DMARC PROCESSING_FAILED", { verdicts: { ...PASS, dmarc: "PROCESSING_FAILED" } }, "not-authenticated"],
    ["DMARC DISABLED", { verdicts: { ...PASS, dmarc: "DISABLED" } }, "not-authenticated"],
    ["an unknown reply key", { replyKeyKnown: false, replyKeyOpen: false }, "unknown-reply-key"],
    ["a closed reply key", { replyKeyOpen: false }, "closed-reply-key"],
    ["a duplicate delivery", { alreadyProcessed: true, replyKeyOpen: false }, "duplicate"],
    [
      "a header section without end",
      { headers: readHeaderSection(Buffer.from(`From: ${CONTACT}\r\n${"X: y\r\n".repeat(60_000)}`)) },
      "header-unreadable",
    ],
  ] as const)("R-RECON-1: rejects %s", (_name, overrides, reasonCode) => {
    const result = assessTrust(input(overrides as Partial<TrustInput>));
    expect(result).toMatchObject({ trusted: false, reasonCode });
    expect(result.trusted === false && result.reason.length > 0).toBe(true);
  });

  it("reports a forged message to a closed key as forged, never as already recorded", () => {
    const result = assessTrust(input({ replyKeyOpen: false, envelopeSender: "x@evil.example" }));
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
