/**
 * R-RECON-1 (ADR 0030): only Party A speaks for Party A. Messages crafted as an attacker would, sent over
 * SMTP to the embedded stack: each is refused, nothing is recorded as Party A's, Party B's contact is told.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { awsConfig, documentClient } from "../../functions/adapters/aws-config";
import { auditHistory, getCycle, getOutboxEmail } from "../../functions/adapters/repository";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
  PARTY_A,
  PARTY_B,
  runUntil,
  startCycle,
  statementEmail,
  uploadSmallMonth,
} from "./harness";

const PERIOD = "2025-09";
let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function billed() {
  const booted = await bootApp("2025-10-01T01:00:00+08:00");
  app = booted.app;
  await uploadSmallMonth(booted.contract, PERIOD);
  await startCycle(app, booted.contract.contractId, PERIOD);
  await runUntil(app, "2025-10-09T10:00:00+08:00");
  const statement = await statementEmail(app, PERIOD);
  return { app, contractId: booted.contract.contractId, replyTo: statement.replyTo[0] as string };
}

/** Delivers raw message bytes over SMTP with the given envelope sender, as any Internet host can. */
async function sendRaw(
  app: EmbeddedApp,
  envelopeFrom: string,
  to: string,
  raw: string | Buffer,
): Promise<void> {
  const { host, port } = app.stack.endpoints.smtp;
  const transport = nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true });
  try {
    await app.clock.track(transport.sendMail({ envelope: { from: envelopeFrom, to: [to] }, raw }));
    await app.clock.idle();
  } finally {
    transport.close();
  }
}

describe("R-RECON-1: forged replies over SMTP", () => {
  it("refuses a forged From with an added Return-Path from another envelope sender", async () => {
    const { app, contractId, replyTo } = await billed();
    const raw = [
      "Return-Path: <mali@partya.example>",
      "From: mali@partya.example",
      `To: ${replyTo}`,
      "Subject: =?UTF-8?B?5Zue5aSN77ya6LSm5Y2V?=",
      "Date: Thu, 09 Oct 2025 10:30:00 +0800",
      "Message-ID: <forged-1@attacker.test>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "有异议，金额应为1.00元。",
      "",
    ].join("\r\n");
    await sendRaw(app, "evil@attacker.test", replyTo, raw);
    expect((await getCycle(contractId, PERIOD)).reconciliation).toBeUndefined();
    expect((await auditHistory(contractId)).filter((e) => e.who === "party-a")).toEqual([]);
  });
});

interface Entry {
  file: string;
  why: string;
  envelopeFrom: string;
  verdicts?: string;
  expect: string | null;
}
const CORPUS = "test/fixtures/reply-attacks";

/** Reasons recorded on inbound messages not acted on, by SES message id. */
async function rejections(): Promise<Map<string, string>> {
  const { Items } = await documentClient().send(
    new ScanCommand({
      TableName: awsConfig().tableName,
      FilterExpression: "begins_with(PK, :inbound) AND attribute_exists(rejectedBecause)",
      ExpressionAttributeValues: { ":inbound": "INBOUND#s3:" },
    }),
  );
  return new Map((Items ?? []).map((item) => [String(item.PK), String(item.rejectedBecause)]));
}

/** `spf=FAIL,dmarc=GRAY` → the embedded stack's verdicts for the next message (the others PASS). */
function verdictsOf(text: string | undefined) {
  const verdicts: Record<string, string> = {
    spf: "PASS",
    dkim: "PASS",
    dmarc: "PASS",
    spam: "PASS",
    virus: "PASS",
  };
  for (const pair of text ? text.split(",") : []) {
    const [name, status] = pair.split("=");
    verdicts[name as string] = status as string;
  }
  return verdicts as Parameters<EmbeddedApp["stack"]["setVerdicts"]>[0];
}

describe("R-RECON-1: the attack corpus end to end over SMTP", () => {
  it("refuses every crafted message with its reason, records nothing as Party A's, tells Party B once a day; real clients still trusted", async () => {
    const manifest = JSON.parse(await readFile(join(CORPUS, "manifest.json"), "utf8")) as {
      attacks: Entry[];
      controls: Entry[];
    };
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    // Two periods billed: the August statement is "another period's" for replies to September's key.
    await uploadSmallMonth(booted.contract, "2025-08");
    await uploadSmallMonth(booted.contract, PERIOD);
    await startCycle(app, contractId, "2025-08");
    await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    const replyTo = (await statementEmail(app, PERIOD)).replyTo[0] as string;
    const august = await getOutboxEmail(contractId, "statement#2025-08");
    expect(august).toBeDefined();

    const reasons: Array<[string, string | undefined]> = [];
    for (const entry of manifest.attacks) {
      const before = await rejections();
      const raw = (await readFile(join(CORPUS, entry.file), "latin1")).replaceAll(
        "{{OTHER_STATEMENT_ID}}",
        august?.messageId ?? "",
      );
      app.stack.setVerdicts(verdictsOf(entry.verdicts));
      await sendRaw(app, entry.envelopeFrom, replyTo, Buffer.from(raw, "latin1"));
      const added = [...(await rejections())].filter(([pk]) => !before.has(pk)).map(([, reason]) => reason);
      reasons.push([entry.file, added[0]]);
    }
    expect(reasons).toEqual(manifest.attacks.map((entry) => [entry.file, entry.expect]));
    expect((await getCycle(contractId, PERIOD)).reconciliation).toBeUndefined();
    expect((await auditHistory(contractId)).filter((e) => e.who === "party-a")).toEqual([]);
    expect((await emailsTo(app, PARTY_A)).filter((e) => e.text?.includes("我们理解您的回复为"))).toEqual([]);
    const notices = (await emailsTo(app, PARTY_B)).filter((e) => e.subject.startsWith("未处理的来信"));
    expect(notices).toHaveLength(1);

    // Real client formats, as the client sent them (SES's own trace headers come off the fixture).
    for (const entry of manifest.controls) {
      const stored = await readFile(join(CORPUS, entry.file), "latin1");
      const sent = stored.replace(/^(?:Return-Path|Received):[^\n]*\n(?:[ \t][^\n]*\n)*/gim, "");
      app.stack.setVerdicts(verdictsOf(entry.verdicts));
      await sendRaw(app, entry.envelopeFrom, replyTo, Buffer.from(sent, "latin1"));
    }
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
    // Each trusted control is acknowledged to Party A (the first decides, the others are already recorded).
    const acks = (await emailsTo(app, PARTY_A)).filter((e) => e.text?.includes("我们理解您的回复为"));
    expect(acks).toHaveLength(manifest.controls.length);
  }, 300_000);
});
