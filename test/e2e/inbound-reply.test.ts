/**
 * The inbound reply path end to end (docs/replies.md): a mail client's message to the local SMTP server → S3 → the
 * inbound-reply handler (trust checks, understanding) → the waiting MonthlyCycle. Acts only on what is
 * certain; everything else is recorded, reported to Party B's contact and changes nothing.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { awsConfig, documentClient } from "../../functions/adapters/aws-config";
import { auditHistory, getCycle } from "../../functions/adapters/repository";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
  PARTY_A,
  PARTY_B,
  replyAsPartyA,
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

/** Reports to Party B's contact about replies it could not act on (untrusted, or for a person). */
const notesToPartyB = async (app: EmbeddedApp) =>
  (await emailsTo(app, PARTY_B))
    .map((e) => e.subject)
    .filter((subject) => subject.startsWith("未处理的来信") || subject.startsWith("需人工处理"));

describe("inbound replies on the embedded stack", () => {
  it("R-RECON-1: a reply from someone other than the designated contact changes nothing and is reported to Party B", async () => {
    const { app, contractId, replyTo } = await billed();
    await replyAsPartyA(app, replyTo, "确认", { from: "attacker@evil.example" });
    expect((await getCycle(contractId, PERIOD)).reconciliation).toBeUndefined();
    expect(await notesToPartyB(app)).toHaveLength(1);
    expect((await auditHistory(contractId)).some((e) => e.what.includes("not acted on"))).toBe(true);
    // The real contact can still answer.
    await replyAsPartyA(app, replyTo, "确认");
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
  });

  it("R-RECON-1: a message whose DMARC verdict is FAIL is not acted on", async () => {
    const { app, contractId, replyTo } = await billed();
    app.stack.setVerdicts({ dmarc: "FAIL" });
    await replyAsPartyA(app, replyTo, "确认");
    expect((await getCycle(contractId, PERIOD)).reconciliation).toBeUndefined();
    expect(await notesToPartyB(app)).toHaveLength(1);
  });

  it("a reply to an unknown reply key changes nothing", async () => {
    const { app, contractId } = await billed();
    await replyAsPartyA(app, "reply+abcdefghijklmnopqrstuvwxyz234567ab@reply.contract-ops.localhost", "确认");
    expect((await getCycle(contractId, PERIOD)).reconciliation).toBeUndefined();
    expect((await emailsTo(app, PARTY_A)).filter((e) => e.text?.includes("我们理解您的回复为"))).toHaveLength(
      0,
    );
    // Recorded with its reason for an operator (it belongs to no contract, so no contact is told).
    const { Items } = await documentClient().send(
      new ScanCommand({
        TableName: awsConfig().tableName,
        FilterExpression: "begins_with(PK, :inbound) AND attribute_exists(rejectedBecause)",
        ExpressionAttributeValues: { ":inbound": "INBOUND#s3:" },
      }),
    );
    expect(Items?.map((item) => item.rejectedBecause)).toEqual(["unknown-reply-key"]);
  });

  it("the same message delivered twice is processed once", async () => {
    const { app, contractId, replyTo } = await billed();
    const messageId = "<dup-1@partya.example>";
    await replyAsPartyA(app, replyTo, "有异议，金额应为3600.00元。", { messageId });
    // Redelivered the next morning (SES retries, a client resends): a different S3 object, same Message-ID.
    await runUntil(app, "2025-10-10T09:30:00+08:00");
    await replyAsPartyA(app, replyTo, "有异议，金额应为3600.00元。", { messageId });
    const cycle = await getCycle(contractId, PERIOD);
    expect(cycle.reconciliation).toMatchObject({ outcome: "re-reconcile", partyAAmountFen: 360000n });
    const acks = (await emailsTo(app, PARTY_A)).filter((e) => e.text?.includes("我们理解您的回复为"));
    expect(acks).toHaveLength(1);
    expect(
      (await auditHistory(contractId)).filter((e) => e.what.startsWith("reconciliation reply")),
    ).toHaveLength(1);
    // The redelivery was handled (not crashed on): Party B is told it arrived again, and when it first came.
    const notes = (await emailsTo(app, PARTY_B)).filter((e) => e.subject.startsWith("未处理的来信"));
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).toContain("2025年10月10日 09:30");
    expect(notes[0]?.text).toContain("2025年10月9日 10:00");
  });

  it("an unclear reply goes to a person: the wait stays open and a later clear reply decides", async () => {
    const { app, contractId, replyTo } = await billed();
    await replyAsPartyA(app, replyTo, "金额应为4000元还是3600元？我们再核对一下。");
    expect((await getCycle(contractId, PERIOD)).reconciliation).toBeUndefined();
    expect(await notesToPartyB(app)).toHaveLength(1);
    const ack = (await emailsTo(app, PARTY_A)).find((e) => e.text?.includes("我们理解您的回复为"));
    expect(ack).toBeDefined();
    await replyAsPartyA(app, replyTo, "核对无误，确认。");
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
  });

  it("a second reply after the decision is acknowledged as already recorded; a later dispute goes to a person", async () => {
    const { app, contractId, replyTo } = await billed();
    await replyAsPartyA(app, replyTo, "确认");
    await replyAsPartyA(app, replyTo, "确认无误");
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
    expect(await notesToPartyB(app)).toHaveLength(0);
    await replyAsPartyA(app, replyTo, "有异议，金额应为3000.00元。");
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
    expect(await notesToPartyB(app)).toHaveLength(1);
    const acks = (await emailsTo(app, PARTY_A)).filter((e) => e.text?.includes("我们理解您的回复为"));
    expect(acks).toHaveLength(3);
  });
});
