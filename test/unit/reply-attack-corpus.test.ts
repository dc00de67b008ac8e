/**
 * The attack corpus (test/fixtures/reply-attacks, ADR 0030) through `ops check-reply`, the inbound
 * handler's own trust code: every crafted message is refused with the reason its manifest names, every
 * real client format from the reply corpus is trusted. Attack files are what the client sent; SES stores
 * them behind its own Return-Path with the envelope sender, so that header is put in front here.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import command from "../../bin/ops/check-reply";
import { InputError } from "../../bin/ops/cli-kit";

const DIR = "test/fixtures/reply-attacks";
const CONTRACT = "contracts/11NA0700211920254001.json";
const OTHER_STATEMENT_ID = "0100019a-other-period-statement-000000";
const STATEMENT_SENT_AT = "2025-10-09T09:00:00+08:00";

interface Entry {
  file: string;
  why: string;
  envelopeFrom: string;
  verdicts?: string;
  expect: string | null;
}
const manifest = JSON.parse(await readFile(join(DIR, "manifest.json"), "utf8")) as {
  attacks: Entry[];
  controls: Entry[];
};

async function asStoredBySes(entry: Entry, attack: boolean): Promise<string> {
  const raw = await readFile(join(DIR, entry.file), "latin1");
  if (!attack) return join(DIR, entry.file);
  const stored = `Return-Path: <${entry.envelopeFrom}>\r\n${raw.replaceAll("{{OTHER_STATEMENT_ID}}", OTHER_STATEMENT_ID)}`;
  const path = join(await mkdtemp(join(tmpdir(), "attack-")), entry.file);
  await writeFile(path, stored, "latin1");
  return path;
}

async function check(entry: Entry, attack: boolean) {
  const out = await command.run([
    "--contract",
    CONTRACT,
    "--eml",
    await asStoredBySes(entry, attack),
    "--envelope-from",
    entry.envelopeFrom === "" ? "<>" : entry.envelopeFrom,
    ...(entry.verdicts ? ["--verdicts", entry.verdicts] : []),
    "--statement-sent-at",
    STATEMENT_SENT_AT,
    "--other-id",
    OTHER_STATEMENT_ID,
    "--json",
  ]);
  return out.json as { trusted: boolean; reasonCode: string | null; reason: string };
}

describe("R-RECON-1: the attack corpus through ops check-reply", () => {
  it("holds at least 25 crafted messages and real client controls", () => {
    expect(manifest.attacks.length).toBeGreaterThanOrEqual(25);
    expect(manifest.controls.length).toBeGreaterThanOrEqual(5);
  });

  it.each(manifest.attacks.map((e) => [e.why, e] as const))("refuses %s", async (_why, entry) => {
    const result = await check(entry, true);
    expect(result).toMatchObject({ trusted: false, reasonCode: entry.expect });
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it.each(manifest.controls.map((e) => [e.why, e] as const))(
    "trusts a real reply: %s",
    async (_why, entry) => {
      expect(await check(entry, false)).toMatchObject({ trusted: true, reasonCode: null });
    },
  );

  it("rejects an unknown verdict with one line naming the field, the value and what is expected", async () => {
    const run = command.run([
      "--contract",
      CONTRACT,
      "--eml",
      join(DIR, "no-date.eml"),
      "--envelope-from",
      "mali@partya.example",
      "--verdicts",
      "dmarc=MAYBE",
    ]);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(/^--verdicts: "dmarc=MAYBE" is not <name>=<status>.*PASS\/FAIL\/GRAY/);
  });
});
