/**
 * R-RECON-1 (ADR 0085): which statement a reply answers is read by the Message-IDs the reply names, so handling
 * one reply reads as much after two years of sent mail as after two statements. The oracle is the first reply's
 * own count: the same reply, handled the same way, after more mail was sent, must read the same number of items.
 */
import { DeleteCommand, QueryCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { awsConfig, documentClient } from "../../functions/adapters/aws-config";
import { now } from "../../functions/adapters/clock";
import { sendEmail } from "../../functions/adapters/mailer";
import {
  getContract,
  getCycle,
  getOutboxEmail,
  outboxEmails,
  registerContract,
  sentEmailKeys,
} from "../../functions/adapters/repository";
import { loadContract } from "../../functions/core/contract";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { PARTY_A, runUntil, SAMPLE_CONTRACT, startCycle, statementEmail, uploadSmallMonth } from "./harness";
import { itemReadMeter } from "./item-read-meter";

let app: EmbeddedApp | undefined;
const removals: Array<() => void> = [];
afterEach(async () => {
  for (const remove of removals.splice(0)) remove();
  await app?.stop();
  app = undefined;
});

/** Items DynamoDB returned to the inbound-reply function: a Query's items, a GetItem's item. */
function countInboundReads() {
  const { meter, counting, remove } = itemReadMeter();
  removals.push(remove);
  const wrapLambda =
    (invoke: Parameters<NonNullable<Parameters<typeof startEmbeddedApp>[0]["wrapLambda"]>>[0]) =>
    (functionArn: string, payload: unknown, context: Parameters<typeof invoke>[2]) =>
      functionArn.endsWith("inbound-reply")
        ? counting.run(true, () => invoke(functionArn, payload, context))
        : invoke(functionArn, payload, context);
  return { meter, wrapLambda };
}

/** Party A's mail client answering a statement: In-Reply-To and References name it, as clients write them. */
async function answer(
  app: EmbeddedApp,
  statement: { replyTo: string[]; messageId: string },
  naming: { messageId: string } = statement,
) {
  const { host, port } = app.stack.endpoints.smtp;
  const transport = nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true });
  const id = `<${naming.messageId}@email.amazonses.com>`;
  try {
    await app.clock.track(
      transport.sendMail({
        from: `麻丽丽 <${PARTY_A}>`,
        to: statement.replyTo[0],
        subject: "回复：账单",
        date: now(),
        inReplyTo: id,
        references: [id],
        text: "确认",
      }),
    );
    await app.clock.idle();
  } finally {
    transport.close();
  }
}

const table = () => awsConfig().tableName;

/** The contract's message-id pointers (`SENT#<id>` → the outbox key of the email SES accepted as `<id>`). */
async function pointers(contractId: string): Promise<Map<string, string>> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :sent)",
      ExpressionAttributeValues: { ":pk": `CONTRACT#${contractId}`, ":sent": "SENT#" },
    }),
  );
  return new Map((Items ?? []).map((item) => [String(item.SK).slice(5), String(item.emailKey)]));
}

/** The contract as the code before the pointers left it: its sent mail without pointers, no index mark. */
async function asBeforeThePointers(contractId: string): Promise<void> {
  for (const messageId of (await pointers(contractId)).keys()) {
    await documentClient().send(
      new DeleteCommand({
        TableName: table(),
        Key: { PK: `CONTRACT#${contractId}`, SK: `SENT#${messageId}` },
      }),
    );
  }
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: `CONTRACT#${contractId}`, SK: "CONTRACT" },
      UpdateExpression: "REMOVE sentMessageIdsIndexed",
    }),
  );
}

/** What the outbox says SES accepted: message id → outbox key. */
async function sentByOutbox(contractId: string): Promise<Map<string, string>> {
  const sent = (await outboxEmails(contractId)).filter((e) => e.state === "sent");
  return new Map(sent.map((e) => [String(e.messageId), e.emailKey]));
}

async function rejectionReasons(): Promise<string[]> {
  const { Items } = await documentClient().send(
    new ScanCommand({
      TableName: table(),
      FilterExpression: "begins_with(PK, :inbound) AND attribute_exists(rejectedBecause)",
      ExpressionAttributeValues: { ":inbound": "INBOUND#s3:" },
    }),
  );
  return (Items ?? []).map((item) => String(item.rejectedBecause));
}

/** August's and September's statements sent, their cycles waiting for Party A (R-RECON-1). */
async function twoStatementsSent(options: Pick<Parameters<typeof startEmbeddedApp>[0], "wrapLambda">) {
  const started = await startEmbeddedApp({
    start: new Date("2025-10-01T01:00:00+08:00"),
    schedule: false,
    ...options,
  });
  app = started;
  const contract = await loadContract(SAMPLE_CONTRACT);
  await registerContract(contract);
  for (const period of ["2025-08", "2025-09"]) {
    await uploadSmallMonth(contract, period);
    await startCycle(started, contract.contractId, period);
  }
  await runUntil(started, "2025-10-09T10:00:00+08:00");
  return { running: started, contractId: contract.contractId };
}

describe("R-RECON-1: a reply's reads do not grow with the contract's sent mail (ADR 0085)", () => {
  it("reads the same items for a reply after 2 statements as after 2 statements and 24 more sent emails", async () => {
    const { meter, wrapLambda } = countInboundReads();
    const { running, contractId } = await twoStatementsSent({ wrapLambda });

    await answer(running, await statementEmail(running, "2025-08"));
    expect((await getCycle(contractId, "2025-08")).reconciliation?.outcome).toBe("confirmed");
    const afterTwo = meter.items;

    // Two more years of statements in the outbox, sent through the same mailer.
    for (let month = 1; month <= 24; month++) {
      const period = `${2022 + Math.ceil(month / 12)}-${String(((month - 1) % 12) + 1).padStart(2, "0")}`;
      await sendEmail({
        contractId,
        emailKey: `statement#${period}`,
        to: [PARTY_A],
        subject: `${period} 账单`,
        text: "账单",
        html: "<p>账单</p>",
      });
    }
    meter.items = 0;
    await answer(running, await statementEmail(running, "2025-09"));
    expect((await getCycle(contractId, "2025-09")).reconciliation?.outcome).toBe("confirmed");

    expect(afterTwo).toBeGreaterThan(0);
    expect(meter.items).toBe(afterTwo);
  });

  it("a contract whose mail predates the pointers: a reply naming another period's statement is still refused, and its outbox is indexed once", async () => {
    const { running, contractId } = await twoStatementsSent({});
    const august = await statementEmail(running, "2025-08");
    const september = await statementEmail(running, "2025-09");
    // Every email SES accepted has its pointer, and a new contract is marked indexed from its registration.
    expect(await pointers(contractId)).toEqual(await sentByOutbox(contractId));
    expect((await getContract(contractId)).sentMessageIdsIndexed).toBe(true);
    await asBeforeThePointers(contractId);

    // To September's reply key, naming August's statement: another period's email (ADR 0030).
    await answer(running, september, august);
    expect(await rejectionReasons()).toEqual(["references-other-statement"]);
    expect((await getCycle(contractId, "2025-09")).reconciliation).toBeUndefined();
    expect(await pointers(contractId)).toEqual(await sentByOutbox(contractId));
    expect((await getContract(contractId)).sentMessageIdsIndexed).toBe(true);

    await answer(running, september);
    expect((await getCycle(contractId, "2025-09")).reconciliation?.outcome).toBe("confirmed");
    // An id longer than a sort key may be (1,024 bytes, DynamoDB's limit) names no email of ours: not looked up.
    const long = "x".repeat(1100);
    await expect(sentEmailKeys(contractId, [long, september.messageId], true)).resolves.toEqual(
      new Map([[september.messageId, "statement#2025-09"]]),
    );
  });

  it("a crash between the pointer and the outbox mark: the retry sends again and both of SES's ids name the statement", async () => {
    app = await startEmbeddedApp({
      start: new Date("2025-10-01T01:00:00+08:00"),
      schedule: false,
      // send-bill's second UpdateItem is the outbox mark, after SES accepted the statement (ADR 0012).
      faults: {
        faults: [{ kind: "crash", function: "send-bill", operation: "UpdateItem", call: 2, when: "before" }],
      },
    });
    const contract = await loadContract(SAMPLE_CONTRACT);
    await registerContract(contract);
    const { contractId } = contract;
    await uploadSmallMonth(contract, "2025-09");
    const event = { contractId, period: "2025-09" };
    const invoke = (name: string) =>
      app?.stack.invokeLambda(`arn:aws:lambda:us-east-1:000000000000:function:ContractOps-${name}`, event, {
        functionName: `ContractOps-${name}`,
        awsRequestId: name,
      });
    await invoke("prepare-bill");
    await expect(invoke("send-bill")).rejects.toMatchObject({ name: "Runtime.ExitError" });
    const [first] = await app.stack.sentEmails();
    expect((await getOutboxEmail(contractId, "statement#2025-09"))?.state).toBe("pending");
    expect(await pointers(contractId)).toEqual(new Map([[first?.messageId, "statement#2025-09"]]));

    // The crashed sender's lease (2 minutes) runs out; the step's retry sends the statement again.
    await runUntil(app, "2025-10-01T01:03:00+08:00");
    await invoke("send-bill");
    const [, second] = await app.stack.sentEmails();
    expect((await getOutboxEmail(contractId, "statement#2025-09"))?.messageId).toBe(second?.messageId);
    expect(await pointers(contractId)).toEqual(
      new Map([
        [first?.messageId, "statement#2025-09"],
        [second?.messageId, "statement#2025-09"],
      ]),
    );
  });
});
