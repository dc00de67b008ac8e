/**
 * R-RECON-1 (ADR 0030): only Party A speaks for Party A. Messages crafted as an attacker would, sent over
 * SMTP to the embedded stack: each is refused, nothing is recorded as Party A's, Party B's contact is told.
 */
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { auditHistory, getCycle } from "../../functions/adapters/repository";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, runUntil, startCycle, statementEmail, uploadSmallMonth } from "./harness";

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
async function sendRaw(app: EmbeddedApp, envelopeFrom: string, to: string, raw: string): Promise<void> {
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
