/**
 * ADR 0030 as a property: no change to the headers alone turns an untrusted message into a trusted one.
 * Headers are the sender's to write, so (a) a message refused on its envelope or verdicts stays refused
 * whatever is added, removed or rewritten in its headers, and (b) adding header fields never lifts a
 * refusal for something the message has. Attack messages come from the corpus; fast-check seeds are fixed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseVerdicts } from "../../bin/ops/check-reply";
import { readHeaderSection } from "../../functions/core/reply/headers";
import { assessTrust } from "../../functions/core/reply/trust";

const DIR = "test/fixtures/reply-attacks";
const CONTACT = "mali@partya.example";
const manifest = JSON.parse(readFileSync(join(DIR, "manifest.json"), "utf8")) as {
  attacks: Array<{ file: string; envelopeFrom: string; verdicts?: string; expect: string }>;
};
const ENVELOPE_REFUSALS = new Set(["sender-not-contact", "verdict-failed", "not-authenticated"]);

function split(file: string, envelope: string): { lines: string[]; body: string } {
  const raw = `Return-Path: <${envelope}>\r\n${readFileSync(join(DIR, file), "latin1").replaceAll("{{OTHER_STATEMENT_ID}}", "other")}`;
  const end = raw.indexOf("\r\n\r\n");
  // One entry per header field, its folded continuation lines included: edits act on whole fields.
  return { lines: raw.slice(0, end).split(/\r\n(?![ \t])/), body: raw.slice(end + 4) };
}

function trusted(entry: (typeof manifest.attacks)[number], lines: string[], body: string): boolean {
  const raw = Buffer.from(`${lines.join("\r\n")}\r\n\r\n${body}`, "latin1");
  return assessTrust({
    envelopeSender: entry.envelopeFrom,
    designatedContactEmail: CONTACT,
    verdicts: parseVerdicts(entry.verdicts),
    replyKeyKnown: true,
    replyKeyOpen: true,
    alreadyProcessed: false,
    headers: readHeaderSection(raw),
    receivedAt: new Date("2025-10-09T02:00:00Z"),
    deadline: null,
    statement: { sentAt: new Date("2025-10-09T01:00:00Z"), messageIds: [], otherMessageIds: ["other"] },
  }).trusted;
}

/** Header fields an attacker would try: the contact's address in every shape, and noise. */
const field = fc
  .tuple(
    fc.constantFrom(
      "From",
      "Sender",
      "Return-Path",
      "Reply-To",
      "Date",
      "Message-ID",
      "In-Reply-To",
      "X-Note",
      "From ",
    ),
    fc.oneof(
      fc.constantFrom(
        CONTACT,
        `<${CONTACT}>`,
        `"麻丽丽" <${CONTACT}>`,
        `=?UTF-8?B?6bq75Li95Li9?= <${CONTACT}>`,
        "Thu, 09 Oct 2025 12:00:00 +0800",
        "<a@partya.example>",
      ),
      fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, " ")),
    ),
  )
  .map(([name, value]) => `${name}: ${value}`);

const edit = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), at: fc.nat(), line: field }),
  fc.record({ kind: fc.constant("remove" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), line: field }),
);

function apply(lines: string[], edits: Array<{ kind: string; at: number; line?: string }>): string[] {
  const out = [...lines];
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % (out.length + (e.kind === "add" ? 1 : 0));
    if (e.kind === "add") out.splice(at, 0, e.line as string);
    else if (e.kind === "remove" && out.length > 0) out.splice(at, 1);
    else if (e.kind === "replace" && out.length > 0) out[at] = e.line as string;
  }
  return out;
}

describe("ADR 0030: no header-only change makes an untrusted message trusted", () => {
  it("starts from refused messages", () => {
    for (const entry of manifest.attacks) {
      const { lines, body } = split(entry.file, entry.envelopeFrom);
      expect(trusted(entry, lines, body), entry.file).toBe(false);
    }
  });

  const envelopeRefused = manifest.attacks.filter((a) => ENVELOPE_REFUSALS.has(a.expect));

  it("a message refused on its envelope or verdicts stays refused under any header edits", () => {
    expect(envelopeRefused.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(fc.constantFrom(...envelopeRefused), fc.array(edit, { maxLength: 8 }), (entry, edits) => {
        const { lines, body } = split(entry.file, entry.envelopeFrom);
        return !trusted(entry, apply(lines, edits), body);
      }),
      { seed: 20251009, numRuns: 2000 },
    );
  });

  // A message refused for a header it lacks (no From, no Date) is completed by adding it: that is the
  // contact's own authenticated mail made well-formed, not a forgery lifted.
  const refusedForWhatItHas = manifest.attacks.filter(
    (a) => !["no-from.eml", "no-date.eml"].includes(a.file),
  );

  it("adding header fields never lifts a refusal for what a message has", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...refusedForWhatItHas),
        fc.array(fc.record({ kind: fc.constant("add" as const), at: fc.nat(), line: field }), {
          minLength: 1,
          maxLength: 6,
        }),
        (entry, edits) => {
          const { lines, body } = split(entry.file, entry.envelopeFrom);
          return !trusted(entry, apply(lines, edits), body);
        },
      ),
      { seed: 13, numRuns: 2000 },
    );
  });
});
