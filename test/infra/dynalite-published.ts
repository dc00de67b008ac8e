/**
 * dynalite as published, the oracle of the embedded DynamoDB's fidelity tests (ADR 0101, ADR 0109): loaded
 * untouched in a worker thread (its own module cache), on a port of its own, with the helpers that send the
 * same request to it and to ours over HTTP and compare the answers.
 */
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll } from "vitest";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../infra/local/dynamodb-local";
import { requireFromDynalite } from "../../infra/local/dynamodb-store";

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Starts dynalite as published, in a worker, on a port of its own; resolves to that port. */
export function startPristineDynalite(): Promise<{ port: number; worker: Worker }> {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const server = require(workerData.entry)({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
     server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));`,
    { eval: true, workerData: { entry: requireFromDynalite().resolve("./index.js") } },
  );
  return new Promise((resolve, reject) => {
    worker.once("message", (port: number) => resolve({ port, worker }));
    worker.once("error", reject);
  });
}

/**
 * Ours and dynalite as published, each on a port of its own, started before the calling describe block's tests
 * and stopped after them: read `ours.port` and `published.port` inside the tests.
 */
export function oursAndPublished(): {
  readonly ours: { port: number };
  readonly published: { port: number };
} {
  let ours: DynamoDbLocal | undefined;
  let published: { port: number; worker: Worker } | undefined;
  beforeAll(async () => {
    [ours, published] = await Promise.all([startDynamoDbLocal({ port: 0 }), startPristineDynalite()]);
  });
  afterAll(async () => {
    await ours?.close();
    await published?.worker.terminate();
  });
  const started = <T>(server: T | undefined): T => {
    if (server === undefined) throw new Error("the servers start in beforeAll: read them inside a test");
    return server;
  };
  return {
    get ours() {
      return started(ours);
    },
    get published() {
      return started(published);
    },
  };
}

export async function send(port: number, operation: string, body: unknown): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `DynamoDB_20120810.${operation}`,
      "x-amz-date": "20261201T000000Z",
      // dynalite checks that a SigV4 header is there and well formed; it does not verify the signature.
      authorization:
        "AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00",
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    status: response.status,
    headers,
    body: Buffer.from(await response.arrayBuffer()).toString("utf8"),
  };
}

/**
 * What legitimately differs between two servers: each answer's random request id and the date, and a table's
 * random id and the instants of its creation and billing mode (with the body's length and checksum, which then differ too; the checksum is
 * checked against buffer-crc32 instead).
 */
export function comparable(answer: Answer): Answer {
  const { "x-amzn-requestid": _id, date: _date, ...headers } = answer.headers;
  const body = answer.body
    .replace(/"(\w*DateTime)":[0-9.e+-]+/g, '"$1":0')
    .replace(/"TableId":"[0-9a-f-]+"/g, '"TableId":""');
  if (body !== answer.body) {
    delete headers["x-amz-crc32"];
    delete headers["content-length"];
  }
  return { status: answer.status, headers, body };
}
