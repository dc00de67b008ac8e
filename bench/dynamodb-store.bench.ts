/**
 * `npm run bench:store [-- --calls N --rounds R]`: what the embedded DynamoDB costs a call on its own side —
 * the in-process transport and dynalite, no SDK (ADR 0101, ADR 0109). Two worker threads each load their own
 * dynalite (a worker has its own module cache): one as this project loads it (string store, native checksum,
 * UTF-8 sizes, remembered expression parses), one as published. Both answer the same requests (PutItem, GetItem, a conditional UpdateItem returning
 * ALL_NEW, a Query of 20 items, in the shapes the handlers send); batches of calls alternate between them, so load from
 * other work falls on both, and each batch's figure is the worker thread's own CPU time per call
 * (`process.threadCpuUsage`). Printed, never asserted.
 */
import { createRequire } from "node:module";
import type { Readable } from "node:stream";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { HttpRequest } from "@smithy/core/protocols";
import { type Dynalite, loadDynalite } from "../infra/local/dynamodb-store";
import { InProcessTransport } from "../infra/local/in-process-transport";
import { createTableInput } from "../infra/table-schema";
import { callsAndRounds, median } from "./per-call-options";

// Node 22.19 and later (the pinned Node the npm scripts run); @types/node does not declare it yet.
const threadCpuUsageOf = (process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
if (threadCpuUsageOf === undefined) {
  process.stderr.write(
    `bench:store needs process.threadCpuUsage (Node 22.19 or later), not ${process.version}\n`,
  );
  process.exit(1);
}
const threadCpuUsage: () => NodeJS.CpuUsage = threadCpuUsageOf.bind(process);

const STORES = ["lean", "published"] as const;
type Store = (typeof STORES)[number];

const OPERATIONS = ["PutItem", "GetItem", "UpdateItem", "Query"] as const;
type Operation = (typeof OPERATIONS)[number];

/** The worker's side: its own dynalite, and a function that runs `count` calls of one operation. */
async function serve(store: Store): Promise<(operation: Operation, count: number) => Promise<number>> {
  const dynalite =
    store === "lean" ? loadDynalite() : (createRequire(import.meta.url)("dynalite") as Dynalite);
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const transport = new InProcessTransport();
  transport.register("http://127.0.0.1:9", server);
  const send = async (operation: string, body: unknown) => {
    const text = JSON.stringify(body);
    const { response } = await transport.requestHandler.handle(
      new HttpRequest({
        method: "POST",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: 9,
        path: "/",
        headers: {
          host: "127.0.0.1:9",
          "content-type": "application/x-amz-json-1.0",
          "content-length": String(Buffer.byteLength(text)),
          "x-amz-target": `DynamoDB_20120810.${operation}`,
          "x-amz-date": "20261201T000000Z",
          authorization:
            "AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00",
        },
        body: text,
      }),
    );
    for await (const _chunk of response.body as Readable) {
      // Read to the end, as the SDK's body collector does.
    }
    if (response.statusCode !== 200) throw new Error(`${operation} answered ${response.statusCode}`);
  };
  await send("CreateTable", createTableInput("Bench"));
  // About 1 KB, the size of a cycle record with Party A's name and a bill's lines.
  const record = (sk: string) => ({
    PK: { S: "CONTRACT#JL-2026-001" },
    SK: { S: sk },
    GSI1PK: { S: "CYCLE#2026-03" },
    GSI1SK: { S: sk },
    partyA: { S: "吉林省社会医疗保险管理局" },
    status: { S: "prepared" },
    totalFen: { N: "696988" },
    lines: {
      L: Array.from({ length: 8 }, (_, i) => ({ M: { code: { S: `L${i}` }, fen: { N: `${i * 1234}` } } })),
    },
    note: { S: "x".repeat(400) },
  });
  for (let i = 0; i < 20; i++) await send("PutItem", { TableName: "Bench", Item: record(`LEDGER#${i}`) });
  const key = { PK: { S: "CONTRACT#JL-2026-001" }, SK: { S: "CYCLE#2026-03" } };
  const requests: Record<(typeof OPERATIONS)[number], [string, unknown]> = {
    PutItem: ["PutItem", { TableName: "Bench", Item: record("CYCLE#2026-03") }],
    GetItem: ["GetItem", { TableName: "Bench", Key: key, ConsistentRead: true }],
    UpdateItem: [
      "UpdateItem",
      {
        TableName: "Bench",
        Key: key,
        UpdateExpression: "SET #s = :s, totalFen = :t",
        ConditionExpression: "attribute_exists(PK) AND #s <> :done",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": { S: "sent" }, ":t": { N: "696988" }, ":done": { S: "closed" } },
        ReturnValues: "ALL_NEW",
      },
    ],
    Query: [
      "Query",
      {
        TableName: "Bench",
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :ledger)",
        ExpressionAttributeValues: { ":pk": key.PK, ":ledger": { S: "LEDGER#" } },
      },
    ],
  };
  const cpuUs = () => {
    const { user, system } = threadCpuUsage();
    return user + system;
  };
  return async (operation, count) => {
    const [target, body] = requests[operation];
    const before = cpuUs();
    for (let i = 0; i < count; i++) await send(target, body);
    return (cpuUs() - before) / count;
  };
}

if (!isMainThread) {
  const run = await serve((workerData as { store: Store }).store);
  parentPort?.on("message", async ({ operation, count }: { operation: Operation; count: number }) => {
    parentPort?.postMessage(await run(operation, count));
  });
  parentPort?.postMessage("ready");
} else {
  const usage = "npm run bench:store -- [--calls N] [--rounds R]";
  const { calls, rounds } = callsAndRounds(usage, { calls: 500, rounds: 7 }, 10);
  const workers = new Map<Store, Worker>();
  const ask = (worker: Worker, message: unknown) =>
    new Promise<number>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once("error", onError);
      worker.once("message", (answer: number) => {
        worker.off("error", onError);
        resolve(answer);
      });
      if (message !== undefined) worker.postMessage(message);
    });
  for (const store of STORES) {
    const worker = new Worker(new URL(import.meta.url), { workerData: { store } });
    await ask(worker, undefined);
    workers.set(store, worker);
  }
  process.stdout.write(
    `The embedded DynamoDB's side of a call (in-process transport + dynalite), worker thread CPU µs per call: ` +
      `median of ${rounds} alternating batches of ${calls} calls (the range), after a warm-up batch\n`,
  );
  process.stdout.write(`| operation | ${STORES.join(" | ")} |\n| --- |${" ---: |".repeat(STORES.length)}\n`);
  for (const operation of OPERATIONS) {
    const figures: Record<Store, number[]> = { lean: [], published: [] };
    for (const worker of workers.values()) await ask(worker, { operation, count: calls });
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? STORES : [...STORES].reverse();
      for (const store of order) {
        const worker = workers.get(store);
        if (worker) figures[store].push(await ask(worker, { operation, count: calls }));
      }
    }
    const cell = (xs: number[]) =>
      `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
    process.stdout.write(`| ${operation} | ${STORES.map((store) => cell(figures[store])).join(" | ")} |\n`);
  }
  for (const worker of workers.values()) await worker.terminate();
}
