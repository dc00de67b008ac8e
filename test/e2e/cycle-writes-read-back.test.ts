/**
 * A step never reads back the cycle it has just written (ADR 0099): the write returns the item as it left it
 * (UpdateItem `ReturnValues: ALL_NEW`; for the bill's creation, the item it put), and only a retry, whose
 * write finds the work done, reads the stored cycle. Counted on the embedded stack's DynamoDB client, with
 * the steps' idempotency (architecture.md: safe to run twice) checked on the same records.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addClientHook, resetAwsClients } from "../../functions/adapters/aws-config";
import {
  createCycleAndGet,
  getCycle,
  getLedgerEntry,
  NotFoundError,
  putChargeAndGet,
  setCycleFieldsOnceAndGet,
  setCycleToken,
} from "../../functions/adapters/repository";
import { formatFen } from "../../functions/core/money";
import { handler as prepareBillHandler } from "../../functions/prepare-bill/handler";
import { handler as sendBillHandler } from "../../functions/send-bill/handler";
import type { EmbeddedApp } from "../../infra/local/app";
import { bootApp, SMALL_MONTH_TOTAL, uploadSmallMonth } from "./harness";

const lambdaContext = (name: string) =>
  ({
    functionName: name,
    awsRequestId: `${name}-test`,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Parameters<typeof sendBillHandler>[1];

/** DynamoDB calls by operation and sort key, e.g. "GetItem CYCLE#2025-09". */
const calls = new Map<string, number>();
const callsTo = (operation: string, sk: string) => calls.get(`${operation} ${sk}`) ?? 0;

let app: EmbeddedApp;
let contractId: string;
let removeHook: () => void;

beforeAll(async () => {
  removeHook = addClientHook((client) => {
    if (!(client instanceof DynamoDBClient)) return;
    client.middlewareStack.add(
      (next, context) => (args) => {
        // At this step a document client's input is not yet marshalled: the key is a plain string.
        const item = args.input as { Key?: { SK?: unknown }; Item?: { SK?: unknown } };
        const sk = item.Key?.SK ?? item.Item?.SK;
        const key = typeof sk === "string" ? sk : undefined;
        const operation = context.commandName?.replace(/Command$/, "");
        if (key !== undefined) calls.set(`${operation} ${key}`, (calls.get(`${operation} ${key}`) ?? 0) + 1);
        return next(args);
      },
      { step: "initialize", name: "countCycleCalls" },
    );
  });
  const booted = await bootApp("2025-10-01T01:00:00+08:00");
  app = booted.app;
  contractId = booted.contract.contractId;
  // The hook applies to clients built from now on.
  resetAwsClients();
  await uploadSmallMonth(booted.contract, "2025-09");
  await uploadSmallMonth(booted.contract, "2025-08");
});

afterAll(async () => {
  removeHook();
  await app?.stop();
});

describe("cycle writes return the cycle they wrote", () => {
  it("R-BILL-1: preparing and sending a bill reads the cycle once each, and a retry of both once each more", async () => {
    const event = { contractId, period: "2025-09" };
    calls.clear();
    const prepared = await prepareBillHandler(event, lambdaContext("prepare-bill"));
    const sent = await sendBillHandler(event, lambdaContext("send-bill"));
    // By hand: prepare-bill reads whether the period is billed (not yet) and puts the cycle; send-bill reads
    // the bill it sends and sets its reply key and deadlines in one update. Neither reads its own write.
    expect(callsTo("GetItem", "CYCLE#2025-09")).toBe(2);
    expect(callsTo("PutItem", "CYCLE#2025-09")).toBe(1);
    expect(callsTo("UpdateItem", "CYCLE#2025-09")).toBe(1);
    // The bill's charge entry (ADR 0010) likewise: put once, not read back.
    expect(callsTo("PutItem", "LEDGER#2025-09#charge")).toBe(1);
    expect(callsTo("GetItem", "LEDGER#2025-09#charge")).toBe(0);
    expect(prepared).toMatchObject({ held: false, billTotal: SMALL_MONTH_TOTAL });
    const stored = await getCycle(contractId, "2025-09");
    expect(formatFen(stored.billTotalFen)).toBe(SMALL_MONTH_TOTAL);
    expect(sent.sentAt).toBe(stored.sentAt);
    // The same two steps again (a retry): each finds its work done in the one read it makes, and writes nothing.
    calls.clear();
    expect(await prepareBillHandler(event, lambdaContext("prepare-bill"))).toEqual(prepared);
    expect(await sendBillHandler(event, lambdaContext("send-bill"))).toEqual(sent);
    expect(callsTo("GetItem", "CYCLE#2025-09")).toBe(2);
    expect(callsTo("PutItem", "CYCLE#2025-09")).toBe(0);
    expect(callsTo("UpdateItem", "CYCLE#2025-09")).toBe(0);
  });

  it("R-PAY-1: storing a wait's token returns the cycle with the fact recorded before it, without a read", async () => {
    await prepareBillHandler({ contractId, period: "2025-08" }, lambdaContext("prepare-bill"));
    const payment = {
      paidAt: "2025-09-20T10:00:00+08:00",
      amountFen: 400030n,
      invoiceDue: "2025-09-30T23:59:59+08:00",
    };
    const recorded = await setCycleFieldsOnceAndGet(contractId, "2025-08", "payment", { payment });
    expect(recorded.written).toBe(true);
    expect(recorded.cycle.payment).toEqual(payment);
    calls.clear();
    const cycle = await setCycleToken(contractId, "2025-08", "payment", "token-of-the-payment-wait");
    expect(cycle.paymentToken).toBe("token-of-the-payment-wait");
    expect(cycle.payment).toEqual(payment);
    expect(callsTo("GetItem", "CYCLE#2025-08")).toBe(0);
    expect(callsTo("UpdateItem", "CYCLE#2025-08")).toBe(1);
    // The wait answered: the token removed, the rest of the cycle as it was.
    const cleared = await setCycleToken(contractId, "2025-08", "payment", null);
    expect(cleared.paymentToken).toBeUndefined();
    expect(cleared.payment).toEqual(payment);
  });

  it("R-PAY-1: a fact set before is not overwritten; the retry gets the stored one, read once", async () => {
    const first = await getCycle(contractId, "2025-08");
    calls.clear();
    const again = await setCycleFieldsOnceAndGet(contractId, "2025-08", "payment", {
      payment: {
        paidAt: "2025-09-25T10:00:00+08:00",
        amountFen: 1n,
        invoiceDue: "2025-10-09T23:59:59+08:00",
      },
    });
    expect(again.written).toBe(false);
    expect(again.cycle.payment).toEqual(first.payment);
    expect(callsTo("UpdateItem", "CYCLE#2025-08")).toBe(1);
    expect(callsTo("GetItem", "CYCLE#2025-08")).toBe(1);
    await expect(
      setCycleFieldsOnceAndGet(contractId, "2019-01", "payment", { payment: first.payment }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("R-RECON-4: a charge written again gets the stored charge, read once, not its own", async () => {
    const stored = await getLedgerEntry(contractId, "2025-09#charge");
    if (!stored) throw new Error("the bill of 2025-09 has no charge entry");
    // SMALL_MONTH_TOTAL, 4000.30 yuan, in fen.
    expect(stored.amountFen).toBe(400030n);
    calls.clear();
    const again = await putChargeAndGet(contractId, { ...stored, amountFen: 1n });
    expect(again).toEqual(stored);
    expect(callsTo("PutItem", "LEDGER#2025-09#charge")).toBe(1);
    expect(callsTo("GetItem", "LEDGER#2025-09#charge")).toBe(1);
    await expect(
      putChargeAndGet(contractId, {
        ...stored,
        entryId: "2025-09#payment-1",
        kind: "payment",
      }),
    ).rejects.toThrow("is not a charge");
  });

  it("R-BILL-1: a bill created is the bill a read returns; a second creation gets the stored bill, not its own", async () => {
    const template = await getCycle(contractId, "2025-08");
    const { payment: _payment, ...unpaid } = template;
    const created = await createCycleAndGet({ ...unpaid, period: "2025-07" });
    expect(created).toEqual(await getCycle(contractId, "2025-07"));
    calls.clear();
    const second = await createCycleAndGet({ ...unpaid, period: "2025-07", billTotalFen: 1n });
    expect(second.billTotalFen).toBe(template.billTotalFen);
    expect(callsTo("PutItem", "CYCLE#2025-07")).toBe(1);
    expect(callsTo("GetItem", "CYCLE#2025-07")).toBe(1);
  });
});
