/**
 * `npm run bench:sdk-call [-- --calls N --rounds R]`: the SDK's own CPU per call in the handlers' code path
 * (ADR 0102) — the clients aws-config.ts builds against the stock SDK clients built with the same settings,
 * each answered at once in memory by a canned DynamoDB answer (no server, no socket), so what is measured is
 * the SDK's work alone: middleware, serialization, signing, the document client's marshalling. A third client,
 * stock but with its configuration laid out as aws-config.ts lays it out (ADR 0102), shows that step alone (the
 * stock clients also build a signer per request, which aws-config.ts does not, ADR 0095). The document
 * client's GetItem, PutItem, UpdateItem and Query in turn; the clients' order alternates each round so that
 * load from other work falls on all. Each figure is this process's user + system CPU per call after a
 * warm-up. Printed, never asserted.
 *
 * First, before any warm-up, the process's first 1,000 calls through aws-config.ts's client in stretches: what
 * a call costs before V8 has optimised the SDK's code. `npm start` makes about 1,050 SDK calls a year, spread
 * over many operations, so most of its calls are paid at these prices, not the warm figure (ADR 0113).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { HttpResponse } from "@smithy/core/protocols";
import {
  clientSettings,
  loadAwsConfig,
  makeDocumentClient,
  makeDynamoDbClient,
  withFastProperties,
} from "../functions/adapters/aws-config";
import { callsAndRounds, median } from "./per-call-options";

const usage = "npm run bench:sdk-call -- [--calls N] [--rounds R]";
const { calls, rounds } = callsAndRounds(usage, { calls: 2000, rounds: 5 }, 100);

/** A cycle-sized item (about 1 KB of DynamoDB JSON), the answer to every call. */
const item: Record<string, { S: string } | { N: string }> = {
  PK: { S: "CONTRACT#11NA0700211920254001" },
  SK: { S: "CYCLE#2025-09" },
  status: { S: "SENT" },
  amountFen: { N: "12345678" },
};
for (let i = 0; i < 16; i++) item[`field${i}`] = { S: `合同第四条4.6款 value ${i}` };
const answer = Buffer.from(JSON.stringify({ Item: item, Attributes: item, Items: [item], Count: 1 }));
const requestHandler = {
  handle: async () => ({
    response: new HttpResponse({
      statusCode: 200,
      headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "bench" },
      body: answer,
    }),
  }),
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
};

const config = loadAwsConfig({ CONTRACT_OPS_DYNAMODB_ENDPOINT: "http://127.0.0.1:4567" });
const ours = makeDynamoDbClient(config);
ours.config.requestHandler = requestHandler;
/** A stock client with the same settings as aws-config.ts's and the same document-client options. */
function stockDocumentClient(prepare: (client: DynamoDBClient) => void = () => undefined) {
  const client = new DynamoDBClient({ ...clientSettings(config, config.endpoints.dynamodb), requestHandler });
  prepare(client);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
const clients = {
  "aws-config.ts": makeDocumentClient(ours),
  "stock, laid out": stockDocumentClient((client) => withFastProperties(client.config)),
  "stock SDK": stockDocumentClient(),
};

const key = { PK: "CONTRACT#11NA0700211920254001", SK: "CYCLE#2025-09" };
const commands = [
  () => new GetCommand({ TableName: "ContractOps", Key: key, ConsistentRead: true }),
  () => new PutCommand({ TableName: "ContractOps", Item: { ...key, status: "SENT", amountFen: 12345678 } }),
  () =>
    new UpdateCommand({
      TableName: "ContractOps",
      Key: key,
      UpdateExpression: "SET #s = :s",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":s": "PAID" },
      ReturnValues: "ALL_NEW",
    }),
  () =>
    new QueryCommand({
      TableName: "ContractOps",
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
      ExpressionAttributeValues: { ":pk": key.PK, ":sk": "CYCLE#" },
    }),
];

/** CPU microseconds per call over `n` calls, the four operations in turn. */
async function cpuPerCall(client: DynamoDBDocumentClient, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const command = commands[i % commands.length];
    if (command) await client.send(command() as GetCommand);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const coldStretches = [50, 150, 800];
const cold: string[] = [];
let first = 1;
for (const stretch of coldStretches) {
  cold.push(
    `calls ${first}–${first + stretch - 1}: ${(await cpuPerCall(clients["aws-config.ts"], stretch)).toFixed(0)}`,
  );
  first += stretch;
}
process.stdout.write(
  `A fresh process's first calls, aws-config.ts's client, CPU µs per call: ${cold.join(", ")}\n`,
);

for (const client of Object.values(clients)) await cpuPerCall(client, Math.max(100, calls / 4));
const figures: Record<string, number[]> = Object.fromEntries(Object.keys(clients).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? Object.entries(clients) : Object.entries(clients).reverse();
  for (const [name, client] of order) figures[name]?.push(await cpuPerCall(client, calls));
}
process.stdout.write(
  `SDK CPU per call, µs (${rounds} rounds of ${calls} calls, GetItem/PutItem/UpdateItem/Query)\n`,
);
for (const [name, xs] of Object.entries(figures))
  process.stdout.write(
    `${name.padEnd(16)} median ${median(xs).toFixed(0)}  rounds ${xs.map((x) => x.toFixed(0)).join(" ")}\n`,
  );
