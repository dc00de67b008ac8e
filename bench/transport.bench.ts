/**
 * `npm run bench:transport [-- --calls N --rounds R]`: what the embedded stack's in-process transport costs a
 * call (ADR 0077, ADR 0058, ADR 0107). First the transport alone — a signed-looking request handed to a server that
 * answers at once, small (a 0.5 KB item) and large (a 1.26 MB object streamed in 64 KiB chunks, the size of a
 * month's voice usage), the answer's stream read to its end as the SDK's deserializer does, and the small
 * answer handed over whole (ADR 0113); then whole SDK calls to dynalite and s3rver over HTTP on 127.0.0.1 and
 * in-process, DynamoDB's answers streamed (ADR 0107) and whole as the embedded stack registers it (ADR 0113),
 * the transports alternating so load from other work falls on all. Each figure is this process's user + system CPU per call after a warm-up.
 * Printed, never asserted.
 */
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { HttpRequest } from "@smithy/core/protocols";
import { DEFAULT_REGION, LOCAL_CREDENTIALS } from "../functions/adapters/aws-config";
import { startDynamoDbLocal } from "../infra/local/dynamodb-local";
import { InProcessTransport } from "../infra/local/in-process-transport";
import { startS3Local } from "../infra/local/s3-local";
import { createTableInput } from "../infra/table-schema";
import { callsAndRounds, cpuMicroseconds, median } from "./per-call-options";

const usage = "npm run bench:transport -- [--calls N] [--rounds R]";
const { calls, rounds } = callsAndRounds(usage, { calls: 1000, rounds: 3 }, 10);

// The transport alone: a server that answers without work of its own.
const smallAnswer = JSON.stringify({ Item: { PK: { S: "CONTRACT#1" }, note: { S: "x".repeat(450) } } });
const largeAnswer = Buffer.alloc(1_260_000, "a");
const bare = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (req.url === "/large") {
      res.setHeader("content-length", largeAnswer.length);
      const chunks: Buffer[] = [];
      for (let at = 0; at < largeAnswer.length; at += 65_536)
        chunks.push(largeAnswer.subarray(at, at + 65_536));
      Readable.from(chunks).pipe(res);
      return;
    }
    res.setHeader("content-type", "application/x-amz-json-1.0");
    res.setHeader("content-length", Buffer.byteLength(smallAnswer));
    res.end(smallAnswer);
  });
});
const alone = new InProcessTransport();
alone.register("http://127.0.0.1:9", bare);
const aloneWhole = new InProcessTransport();
aloneWhole.register("http://127.0.0.1:9", bare, "whole");
const requestBody = JSON.stringify({
  TableName: "Bench",
  Key: { PK: { S: "CONTRACT#1" }, SK: { S: "META" } },
});
const bareCall = async (path: string, transport = alone) => {
  const { response } = await transport.requestHandler.handle(
    new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 9,
      path,
      headers: {
        host: "127.0.0.1:9",
        "content-type": "application/x-amz-json-1.0",
        "content-length": String(requestBody.length),
        "x-amz-target": "DynamoDB_20120810.GetItem",
        "x-amz-date": "20261201T000000Z",
        authorization: `AWS4-HMAC-SHA256 Credential=S3RVER/20261201/${DEFAULT_REGION}/dynamodb/aws4_request`,
      },
      body: requestBody,
    }),
  );
  if (response.body instanceof Uint8Array) return;
  for await (const _chunk of response.body as Readable) {
    // Read to the end, as the SDK's body collector does.
  }
};
process.stdout.write("The in-process transport alone, CPU µs per call (median of the rounds; the rounds)\n");
for (const [name, path, count, via] of [
  ["0.5 KB answer", "/small", calls * 10, alone],
  ["0.5 KB answer, whole", "/small", calls * 10, aloneWhole],
  ["1.26 MB answer, 64 KiB chunks", "/large", Math.max(10, calls / 10), alone],
] as const) {
  for (let i = 0; i < count / 10; i++) await bareCall(path, via);
  const figures: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = cpuMicroseconds();
    for (let i = 0; i < count; i++) await bareCall(path, via);
    figures.push((cpuMicroseconds() - before) / count);
  }
  process.stdout.write(
    `  ${name}: ${median(figures).toFixed(0)} (${figures.map((f) => f.toFixed(0)).join(", ")})\n`,
  );
}
alone.destroy();
aloneWhole.destroy();

const dynamodb = await startDynamoDbLocal({ port: 0 });
const s3 = await startS3Local({ port: 0, buckets: ["bench"] });
const streamed = new InProcessTransport();
streamed.register(dynamodb.endpoint, dynamodb.server);
streamed.register(s3.endpoint, s3.server);
// As the embedded stack registers them (infra/local/services.ts).
const asTheStack = new InProcessTransport();
asTheStack.register(dynamodb.endpoint, dynamodb.server, "whole");
asTheStack.register(s3.endpoint, s3.server);
const transports: Record<string, InProcessTransport | undefined> = {
  http: undefined,
  "in-process, streamed": streamed,
  "in-process, DynamoDB whole": asTheStack,
};
const common = { region: DEFAULT_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
const clients = (transport: InProcessTransport | undefined) => {
  const db = new DynamoDBClient({ ...common, endpoint: dynamodb.endpoint });
  const s3Client = new S3Client({ ...common, endpoint: s3.endpoint, forcePathStyle: true });
  // As the embedded stack does: the transport's hook gives each client built its request handler.
  if (transport) for (const client of [db, s3Client]) transport.clientHook(client);
  return { db, s3: s3Client };
};
const setup = clients(undefined);
await setup.db.send(new CreateTableCommand(createTableInput("Bench")));
// About 0.5 KB, the size of a cycle record.
const item = { PK: { S: "CONTRACT#1" }, SK: { S: "CYCLE#2025-09" }, note: { S: "x".repeat(450) } };
await setup.db.send(new PutItemCommand({ TableName: "Bench", Item: item }));
await setup.s3.send(new PutObjectCommand({ Bucket: "bench", Key: "small.json", Body: "y".repeat(2_000) }));

const operations = {
  GetItem: (c: ReturnType<typeof clients>) =>
    c.db.send(new GetItemCommand({ TableName: "Bench", Key: { PK: item.PK, SK: item.SK } })),
  PutItem: (c: ReturnType<typeof clients>) =>
    c.db.send(new PutItemCommand({ TableName: "Bench", Item: item })),
  "S3 GetObject 2 KB": async (c: ReturnType<typeof clients>) => {
    const out = await c.s3.send(new GetObjectCommand({ Bucket: "bench", Key: "small.json" }));
    await out.Body?.transformToString();
  },
};
process.stdout.write(
  `\nWhole SDK calls to the emulators, CPU µs per call, ${calls} calls a round after ${calls / 10} warm-up calls\n`,
);
process.stdout.write(
  `| operation | round | ${Object.keys(transports).join(" | ")} |\n| --- | ---: |${" ---: |".repeat(3)}\n`,
);
for (const [name, call] of Object.entries(operations)) {
  for (let round = 1; round <= rounds; round++) {
    const figures: string[] = [];
    for (const transport of Object.values(transports)) {
      const c = clients(transport);
      for (let i = 0; i < calls / 10; i++) await call(c);
      const before = cpuMicroseconds();
      for (let i = 0; i < calls; i++) await call(c);
      figures.push(((cpuMicroseconds() - before) / calls).toFixed(0));
      c.db.destroy();
      c.s3.destroy();
    }
    process.stdout.write(`| ${name} | ${round} | ${figures.join(" | ")} |\n`);
  }
}
setup.db.destroy();
setup.s3.destroy();
streamed.destroy();
asTheStack.destroy();
await s3.close();
await dynamodb.close();
