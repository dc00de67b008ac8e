/**
 * `npm run bench:store [-- --calls N --rounds R]`: what the embedded DynamoDB costs a call on its own side —
 * the in-process transport and dynalite, no SDK (ADR 0101). Each round starts two fresh processes, one with
 * dynalite as this project loads it (string store, native checksum) and one with dynalite as published, in
 * alternating order so load from other work falls on both; each process answers the same requests (PutItem,
 * GetItem, a conditional UpdateItem returning ALL_NEW, a Query of 20 items, in the shapes the handlers send)
 * and reports its user + system CPU per call after a warm-up. Printed, never asserted.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HttpRequest } from "@smithy/core/protocols";
import { type Dynalite, loadDynalite } from "../infra/local/dynamodb-store";
import { InProcessTransport } from "../infra/local/in-process-transport";
import { createTableInput } from "../infra/table-schema";

const usage = "npm run bench:store -- [--calls N] [--rounds R]";
const STORES = ["lean", "published"] as const;
type Store = (typeof STORES)[number];
let values: { calls: string; rounds: string; child?: string };
try {
  ({ values } = parseArgs({
    options: {
      calls: { type: "string", default: "1000" },
      rounds: { type: "string", default: "3" },
      // Internal: run one measuring process.
      child: { type: "string" },
    },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nusage: ${usage}\n`);
  process.exit(2);
}
const calls = Number(values.calls);
const rounds = Number(values.rounds);
for (const [name, value, least] of [
  ["--calls", calls, 10],
  ["--rounds", rounds, 1],
] as const) {
  if (!Number.isInteger(value) || value < least) {
    process.stderr.write(`${name} must be a whole number ≥ ${least}, got ${value}\nusage: ${usage}\n`);
    process.exit(2);
  }
}

const OPERATIONS = ["PutItem", "GetItem", "UpdateItem", "Query"] as const;
type Figures = Record<(typeof OPERATIONS)[number], number>;

async function measure(store: Store): Promise<Figures> {
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
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  const figures = {} as Figures;
  for (const operation of OPERATIONS) {
    const [target, body] = requests[operation];
    for (let i = 0; i < calls / 10; i++) await send(target, body);
    const before = cpuUs();
    for (let i = 0; i < calls; i++) await send(target, body);
    figures[operation] = (cpuUs() - before) / calls;
  }
  return figures;
}

if (values.child !== undefined) {
  if (!(STORES as readonly string[]).includes(values.child)) {
    process.stderr.write(`--child must be one of ${STORES.join(", ")}, got ${values.child}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await measure(values.child as Store))}\n`);
  process.exit(0);
}

const runChild = (store: Store): Figures => {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--child", store, "--calls", String(calls)],
    { encoding: "utf8" },
  );
  if (child.status !== 0) throw new Error(`the ${store} process failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Figures;
};

process.stdout.write(
  `The embedded DynamoDB's side of a call (in-process transport + dynalite), CPU µs per call, ${calls} calls ` +
    `after ${calls / 10} warm-up calls, a fresh process per store and round\n`,
);
process.stdout.write(
  `| round | store | ${OPERATIONS.join(" | ")} |\n| ---: | --- |${" ---: |".repeat(OPERATIONS.length)}\n`,
);
const all: Record<Store, Figures[]> = { lean: [], published: [] };
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 === 1 ? STORES : [...STORES].reverse();
  for (const store of order) {
    const figures = runChild(store);
    all[store].push(figures);
    process.stdout.write(
      `| ${round} | ${store} | ${OPERATIONS.map((op) => figures[op].toFixed(0)).join(" | ")} |\n`,
    );
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
for (const store of STORES) {
  process.stdout.write(
    `| median | ${store} | ${OPERATIONS.map((op) => median(all[store].map((f) => f[op])).toFixed(0)).join(" | ")} |\n`,
  );
}
