/**
 * The embedded S3's store (ADR 0105) against the one s3rver ships: the same S3 client calls played on s3rver with
 * its own FilesystemStore and on `startS3Local` (SynchronousFilesystemStore) give the same answers byte for byte —
 * status, headers, ETag, Content-Length, ranges, listings, errors — and leave the same files on disk. Last-Modified
 * is the one thing that differs between two servers; each answer's is checked against its own object file's mtime
 * (s3rver's definition) and then set aside.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { HttpRequest, HttpResponse } from "@smithy/core/protocols";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import S3rver from "s3rver";
import S3Object from "s3rver/lib/models/object";
import FilesystemStore from "s3rver/lib/stores/filesystem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REGION, LOCAL_CREDENTIALS } from "../../functions/adapters/aws-config";
import { InProcessTransport } from "../../infra/local/in-process-transport";
import { closeHttp, LOCAL_HOST, listenHttp } from "../../infra/local/ports";
import { type S3Local, startS3Local } from "../../infra/local/s3-local";
import { SynchronousFilesystemStore } from "../../infra/local/s3-store";

const BUCKET = "usage-bucket";
const OTHER_BUCKET = "mail-bucket";

/** A month's voice CDRs in size: past s3rver's 64 KiB read chunks and the store's 1 MiB ones. */
const VOICE = Buffer.from(
  "话单,13800138000,01088886666,2025-09-01T08:00:00+08:00,61\r\n".repeat(20_000),
  "utf8",
);
const EMAIL = Buffer.concat([
  Buffer.from("From: 医保局 <a@example.cn>\r\nSubject: 确认\r\n\r\n确认\r\n", "utf8"),
  Buffer.from([0x00, 0xff, 0xfe, 0x80]),
]);

interface Answer {
  call: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The headers that name one request or one moment: they differ between any two answers. */
const PER_REQUEST = new Set(["date", "connection", "keep-alive", "x-amz-request-id", "x-amz-id-2"]);

/** An object's file in a directory s3rver keeps (FilesystemStore's layout, outside Windows). */
const objectFile = (directory: string, bucket: string, key: string) =>
  join(directory, bucket, ...key.split("/").slice(0, -1), `${key.split("/").at(-1)}._S3rver_object`);

/** What the SDK needs of a request handler: NodeHttpHandler's and the in-process transport's. */
interface RequestHandler {
  metadata: { handlerProtocol: string };
  handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
  destroy(): void;
}

/**
 * A request handler that keeps each answer's bytes and hands the SDK the same bytes as a stream; each
 * Last-Modified is checked against the mtime of the file the request names, as s3rver defines it.
 */
function recording(
  directory: string,
  inner: RequestHandler,
): {
  answers: Answer[];
  handler: RequestHandler;
  name(call: string): void;
} {
  const answers: Answer[] = [];
  let call = "";
  const handler: RequestHandler = {
    metadata: { handlerProtocol: "http/1.1" },
    destroy() {},
    async handle(request: HttpRequest) {
      const { response } = await inner.handle(request);
      const chunks: Buffer[] = [];
      for await (const chunk of (response.body as Readable | undefined) ?? [])
        chunks.push(Buffer.from(chunk));
      const body = Buffer.concat(chunks);
      const [, bucket = "", ...key] = decodeURIComponent(request.path).split("/");
      const requestedMtime = () => statSync(objectFile(directory, bucket, key.join("/"))).mtime;
      const toTheSecond = (mtime: Date) => Math.floor(mtime.getTime() / 1000) * 1000;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (PER_REQUEST.has(name.toLowerCase())) continue;
        if (name.toLowerCase() === "last-modified") {
          expect(value, call).toBe(requestedMtime().toUTCString());
          headers[name] = "(the object file's mtime)";
        } else headers[name] = value;
      }
      const text = body
        .toString("latin1")
        // A listing's LastModified, to the second, is its object file's mtime.
        .replace(
          /<Key>([^<]*)<\/Key><LastModified>([^<]*)<\/LastModified>/g,
          (_match, listed: string, modified: string) => {
            const mtime = statSync(objectFile(directory, bucket, listed)).mtime;
            expect(new Date(modified).getTime(), call).toBe(toTheSecond(mtime));
            return `<Key>${listed}</Key><LastModified>(mtime)</LastModified>`;
          },
        )
        // So is a copy's, of the object written.
        .replace(/<CopyObjectResult><LastModified>([^<]*)<\/LastModified>/, (_match, modified: string) => {
          expect(new Date(modified).getTime(), call).toBe(toTheSecond(requestedMtime()));
          return "<CopyObjectResult><LastModified>(mtime)</LastModified>";
        });
      answers.push({ call, status: response.statusCode, headers, body: text });
      response.body = Readable.from([body]);
      return { response };
    },
  };
  return { answers, handler, name: (next) => (call = next) };
}

type Command =
  | PutObjectCommand
  | GetObjectCommand
  | HeadObjectCommand
  | ListObjectsV2Command
  | CopyObjectCommand
  | DeleteObjectCommand
  | DeleteObjectsCommand;

/** An S3 client of `endpoint` as the stack's (path-style, no default checksums), one attempt per call. */
function s3Client(endpoint: string, requestHandler: RequestHandler = new NodeHttpHandler()): S3Client {
  return new S3Client({
    region: DEFAULT_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint,
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler,
  });
}

/** The calls the stack makes (and CopyObject), on a fresh bucket pair; every answer recorded. */
async function play(endpoint: string, directory: string, transport: RequestHandler): Promise<Answer[]> {
  const recorder = recording(directory, transport);
  const client = s3Client(endpoint, recorder.handler);
  const send = async (call: string, command: Command) => {
    recorder.name(call);
    try {
      // The SDK types send per command; each of these goes the same way.
      const output = (await client.send(command as PutObjectCommand)) as {
        Body?: { transformToByteArray(): Promise<Uint8Array> };
      };
      await output.Body?.transformToByteArray();
    } catch (error) {
      // The error itself is recorded as its answer's status and bytes.
      if (!(error instanceof Error) || !("$metadata" in error)) throw error;
    }
  };
  const voiceKey = "usage/c1/2025-09/voice.csv";
  await send(
    "put voice",
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: voiceKey,
      Body: VOICE,
      ContentType: "text/csv; charset=utf-8",
      Metadata: { encoding: "utf-8" },
    }),
  );
  await send(
    "put sms",
    new PutObjectCommand({ Bucket: BUCKET, Key: "usage/c1/2025-09/sms.csv", Body: "a,b\n1,2\n" }),
  );
  await send("put empty", new PutObjectCommand({ Bucket: BUCKET, Key: "usage/c1/empty", Body: "" }));
  await send(
    "put streamed",
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: "usage/c2/2025-10/voice.csv",
      Body: Readable.from([VOICE.subarray(0, 70_000), VOICE.subarray(70_000, 200_000)]),
      ContentLength: 200_000,
    }),
  );
  await send(
    "put mail",
    new PutObjectCommand({
      Bucket: OTHER_BUCKET,
      Key: "inbound/回复 +1.eml",
      Body: EMAIL,
      ContentType: "message/rfc822",
      CacheControl: "no-cache",
    }),
  );
  await send(
    "put overwrite",
    new PutObjectCommand({ Bucket: BUCKET, Key: "usage/c1/2025-09/sms.csv", Body: "x\n" }),
  );

  await send("get whole", new GetObjectCommand({ Bucket: BUCKET, Key: voiceKey }));
  await send("get mail", new GetObjectCommand({ Bucket: OTHER_BUCKET, Key: "inbound/回复 +1.eml" }));
  await send("get empty", new GetObjectCommand({ Bucket: BUCKET, Key: "usage/c1/empty" }));
  for (const range of ["bytes=0-99", "bytes=1048570-1048600", "bytes=100-", "bytes=5-5", "bytes=99999999-"]) {
    await send(`get ${range}`, new GetObjectCommand({ Bucket: BUCKET, Key: voiceKey, Range: range }));
  }
  await send(
    "get unchanged",
    new GetObjectCommand({ Bucket: BUCKET, Key: voiceKey, IfModifiedSince: new Date("2100-01-01") }),
  );
  await send("head", new HeadObjectCommand({ Bucket: BUCKET, Key: voiceKey }));
  await send("head ranged", new HeadObjectCommand({ Bucket: BUCKET, Key: voiceKey, Range: "bytes=10-19" }));
  await send("head missing", new HeadObjectCommand({ Bucket: BUCKET, Key: "usage/none" }));
  await send("get missing", new GetObjectCommand({ Bucket: BUCKET, Key: "usage/none" }));
  await send("get missing bucket", new GetObjectCommand({ Bucket: "no-such-bucket", Key: voiceKey }));
  await send("put missing bucket", new PutObjectCommand({ Bucket: "no-such-bucket", Key: "k", Body: "x" }));

  await send("list all", new ListObjectsV2Command({ Bucket: BUCKET }));
  await send("list prefix", new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "usage/c1/" }));
  await send(
    "list delimiter",
    new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "usage/", Delimiter: "/" }),
  );
  await send("list one", new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }));
  await send(
    "list after",
    new ListObjectsV2Command({ Bucket: BUCKET, StartAfter: "usage/c1/2025-09/voice.csv" }),
  );
  await send("list missing bucket", new ListObjectsV2Command({ Bucket: "no-such-bucket" }));

  await send(
    "copy",
    new CopyObjectCommand({ Bucket: BUCKET, Key: "usage/copy.csv", CopySource: `${BUCKET}/${voiceKey}` }),
  );
  await send(
    "get copy",
    new GetObjectCommand({ Bucket: BUCKET, Key: "usage/copy.csv", Range: "bytes=0-63" }),
  );
  // An object whose MD5 file is gone (a data directory filled by hand): its ETag is computed and kept again.
  unlinkSync(`${objectFile(directory, BUCKET, "usage/c1/2025-09/sms.csv")}.md5`);
  await send(
    "head without md5 file",
    new HeadObjectCommand({ Bucket: BUCKET, Key: "usage/c1/2025-09/sms.csv" }),
  );

  await send("delete", new DeleteObjectCommand({ Bucket: BUCKET, Key: "usage/c2/2025-10/voice.csv" }));
  await send("delete missing", new DeleteObjectCommand({ Bucket: BUCKET, Key: "usage/none" }));
  await send("get deleted", new GetObjectCommand({ Bucket: BUCKET, Key: "usage/c2/2025-10/voice.csv" }));
  await send(
    "delete many",
    new DeleteObjectsCommand({
      Bucket: BUCKET,
      Delete: { Objects: [{ Key: "usage/c1/empty" }, { Key: "usage/none" }] },
    }),
  );
  await send("list after deletes", new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "usage/" }));
  client.destroy();
  return recorder.answers;
}

/**
 * Whether work settles before the event loop's next check phase: the thread pool's answers arrive in the poll
 * phase before it, so work that waits on them more than once cannot (a setImmediate set now runs first).
 */
async function withinTurn(work: Promise<unknown>): Promise<boolean> {
  let turned = false;
  setImmediate(() => {
    turned = true;
  });
  await work;
  return !turned;
}

/** Every file under a directory, by path relative to it, with its bytes. */
function files(directory: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else found[relative(directory, path)] = readFileSync(path).toString("base64");
    }
  };
  walk(directory);
  return found;
}

describe("the embedded S3's store", () => {
  let stockDirectory: string;
  let ownDirectory: string;
  let stock: { endpoint: string; server: Server; close(): Promise<void> };
  let own: S3Local;

  beforeAll(async () => {
    stockDirectory = mkdtempSync(join(tmpdir(), "s3-store-stock-"));
    ownDirectory = mkdtempSync(join(tmpdir(), "s3-store-own-"));
    const s3rver = new S3rver({
      silent: true,
      directory: stockDirectory,
      configureBuckets: [{ name: OTHER_BUCKET }, { name: BUCKET }],
    });
    await s3rver.configureBuckets();
    const server = createServer(s3rver.callback());
    const port = await listenHttp(server, "S3 (s3rver's own store)", 0);
    stock = { endpoint: `http://${LOCAL_HOST}:${port}`, server, close: () => closeHttp(server) };
    own = await startS3Local({ port: 0, buckets: [OTHER_BUCKET, BUCKET], dataPath: ownDirectory });
  });

  afterAll(async () => {
    await stock?.close();
    await own?.close();
    rmSync(stockDirectory, { recursive: true, force: true });
    rmSync(ownDirectory, { recursive: true, force: true });
  });

  it("answers every call as s3rver's FilesystemStore does and leaves the same files", async () => {
    // Over HTTP, then as `npm start` sends them (the in-process transport, where no Content-Length cuts a body).
    const http = new NodeHttpHandler();
    const expected = await play(stock.endpoint, stockDirectory, http);
    const actual = await play(own.endpoint, ownDirectory, http);
    expect(actual.map((a) => a.call)).toEqual(expected.map((a) => a.call));
    for (const [index, answer] of actual.entries()) expect(answer, answer.call).toEqual(expected[index]);
    const inProcess = new InProcessTransport();
    inProcess.register(stock.endpoint, stock.server);
    inProcess.register(own.endpoint, own.server);
    const expectedInProcess = await play(stock.endpoint, stockDirectory, inProcess.requestHandler);
    const actualInProcess = await play(own.endpoint, ownDirectory, inProcess.requestHandler);
    for (const [index, answer] of actualInProcess.entries()) {
      expect(answer, `in-process ${answer.call}`).toEqual(expectedInProcess[index]);
    }
    expect(actualInProcess.length).toBe(expectedInProcess.length);
    // The play reached what it means to: a whole object, a range, a listing, each error.
    const statusOf = (call: string) => expected.find((a) => a.call === call)?.status;
    expect(statusOf("get whole")).toBe(200);
    expect(statusOf("get bytes=0-99")).toBe(206);
    expect(statusOf("get bytes=99999999-")).toBe(416);
    expect(statusOf("get unchanged")).toBe(304);
    expect(statusOf("head missing")).toBe(404);
    expect(expected.find((a) => a.call === "get missing")?.body).toContain("<Code>NoSuchKey</Code>");
    expect(expected.find((a) => a.call === "get missing bucket")?.body).toContain(
      "<Code>NoSuchBucket</Code>",
    );
    expect(expected.find((a) => a.call === "list delimiter")?.body).toContain("<CommonPrefixes>");
    expect(files(ownDirectory)).toEqual(files(stockDirectory));
  });

  it("refuses any range of an empty object 416 InvalidRange, as S3 does, where s3rver's own store answers 206", async () => {
    // RFC 9110 §14.1.1: a byte range is satisfiable only if its first position is less than the length, so an
    // empty object has none; S3 answers 416 with the error code InvalidRange ("The requested range is not
    // satisfiable", Amazon S3 API Reference, "Error responses"). s3rver clamps the range to a last byte of 0 and
    // answers 206 with Content-Length 1 and no byte to send.
    const http = new NodeHttpHandler();
    const outcome = async (endpoint: string, range: string | undefined) => {
      try {
        const output = await s3Client(endpoint, http).send(
          new GetObjectCommand({ Bucket: BUCKET, Key: "empty/ranged", ...(range ? { Range: range } : {}) }),
        );
        return { status: output.$metadata.httpStatusCode, contentLength: output.ContentLength };
      } catch (error) {
        const { name, $metadata } = error as { name: string; $metadata: { httpStatusCode?: number } };
        return { status: $metadata.httpStatusCode, name };
      }
    };
    for (const endpoint of [own.endpoint, stock.endpoint]) {
      await s3Client(endpoint, http).send(
        new PutObjectCommand({ Bucket: BUCKET, Key: "empty/ranged", Body: "" }),
      );
    }
    for (const range of ["bytes=0-99", "bytes=0-0", "bytes=0-"]) {
      expect(await outcome(own.endpoint, range), range).toEqual({ status: 416, name: "InvalidRange" });
    }
    // The whole empty object is still served, and a one-byte object still gives its byte to bytes=0-0.
    expect(await outcome(own.endpoint, undefined)).toEqual({ status: 200, contentLength: 0 });
    const inProcess = new InProcessTransport();
    inProcess.register(own.endpoint, own.server);
    const oneByte = s3Client(own.endpoint, inProcess.requestHandler);
    await oneByte.send(new PutObjectCommand({ Bucket: BUCKET, Key: "one/byte", Body: "x" }));
    const first = await oneByte.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "one/byte", Range: "bytes=0-0" }),
    );
    expect(first.$metadata.httpStatusCode).toBe(206);
    expect(Buffer.from((await first.Body?.transformToByteArray()) ?? []).toString()).toBe("x");
    // The control: s3rver's own store, which this store departs from here, answers the same request 206.
    expect((await outcome(stock.endpoint, "bytes=0-99")).status).toBe(206);
  });

  it("serves a suffix range as the object's last bytes, as S3 does, where s3rver serves its first bytes", async () => {
    // RFC 9110 §14.1.2: `bytes=-N` is the last N bytes, or the whole representation when it is shorter, and
    // §14.4 gives the Content-Range of the answer; `bytes=-0` selects no byte and is not satisfiable (§14.1.1),
    // which S3 answers 416 InvalidRange. s3rver parses `bytes=-10` as `bytes=0-10`.
    const http = new NodeHttpHandler();
    const key = "suffix/voice.csv";
    const client = (endpoint: string) => s3Client(endpoint, http);
    const ranged = async (endpoint: string, range: string) => {
      try {
        const output = await client(endpoint).send(
          new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: range }),
        );
        const body = Buffer.from((await output.Body?.transformToByteArray()) ?? []);
        return { status: output.$metadata.httpStatusCode, contentRange: output.ContentRange, body };
      } catch (error) {
        const { name, $metadata, RangeRequested } = error as {
          name: string;
          $metadata: { httpStatusCode?: number };
          RangeRequested?: string;
        };
        return { status: $metadata.httpStatusCode, name, rangeRequested: RangeRequested };
      }
    };
    for (const endpoint of [own.endpoint, stock.endpoint]) {
      await client(endpoint).send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: VOICE }));
    }
    const size = VOICE.length;
    expect(await ranged(own.endpoint, "bytes=-10")).toEqual({
      status: 206,
      contentRange: `bytes ${size - 10}-${size - 1}/${size}`,
      body: VOICE.subarray(size - 10),
    });
    // A suffix longer than the object is the whole object (compared with Buffer.equals: a deep equality over a
    // megabyte of bytes would take seconds).
    const longer = await ranged(own.endpoint, `bytes=-${size + 5}`);
    expect({ status: longer.status, contentRange: longer.contentRange }).toEqual({
      status: 206,
      contentRange: `bytes 0-${size - 1}/${size}`,
    });
    expect(longer.body?.equals(VOICE)).toBe(true);
    const none = await ranged(own.endpoint, "bytes=-0");
    // The error names the range as the client sent it (S3's error document carries RangeRequested).
    expect(none).toEqual({ status: 416, name: "InvalidRange", rangeRequested: "bytes=-0" });
    // Through the in-process transport too, as `npm start` sends it.
    const inProcess = new InProcessTransport();
    inProcess.register(own.endpoint, own.server);
    const viaInProcess = s3Client(own.endpoint, inProcess.requestHandler);
    const last = await viaInProcess.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: "bytes=-3" }),
    );
    expect(last.ContentRange).toBe(`bytes ${size - 3}-${size - 1}/${size}`);
    expect(Buffer.from((await last.Body?.transformToByteArray()) ?? [])).toEqual(VOICE.subarray(size - 3));
    // The control: s3rver's own answer to bytes=-10 is its first eleven bytes.
    const stockAnswer = await ranged(stock.endpoint, "bytes=-10");
    expect(stockAnswer.status).toBe(206);
    expect(stockAnswer.body).toEqual(VOICE.subarray(0, 11));
  });

  it("answers within the event loop's turn, where s3rver's own store waits on the thread pool", async () => {
    const directory = mkdtempSync(join(tmpdir(), "s3-store-turn-"));
    try {
      const own = new SynchronousFilesystemStore(directory);
      const reference = new FilesystemStore(directory);
      await own.putBucket(BUCKET);
      const key = "usage/c3/2025-11/voice.csv";
      const object = (content: Buffer) => new S3Object(BUCKET, key, content, { "content-type": "text/csv" });
      const read = async (found: S3Object | null) => {
        const chunks: Buffer[] = [];
        for await (const chunk of (found?.content as Readable | undefined) ?? []) chunks.push(chunk);
        return Buffer.concat(chunks);
      };
      const calls = (store: FilesystemStore) => ({
        putObject: () => store.putObject(object(VOICE)),
        getObject: async () =>
          expect((await read(await store.getObject(BUCKET, key))).equals(VOICE)).toBe(true),
        "getObject ranged": async () =>
          expect(await read(await store.getObject(BUCKET, key, { start: 3, end: 9 }))).toEqual(
            VOICE.subarray(3, 10),
          ),
        getMetadata: () => store.getMetadata(BUCKET, key),
        existsObject: () => store.existsObject(BUCKET, key),
        getBucket: () => store.getBucket(BUCKET),
        getSubresource: () => store.getSubresource(BUCKET, undefined, "cors"),
        listObjects: () => store.listObjects(BUCKET, { prefix: "usage/" }),
        deleteObject: () => store.deleteObject(BUCKET, key),
      });
      for (const [name, call] of Object.entries(calls(own))) {
        expect(await withinTurn(call()), `the synchronous store's ${name}`).toBe(true);
      }
      // The check tells the two apart: s3rver's own store waits on the thread pool twice or more in a row in
      // each call but two, a single stat that may come back within the turn.
      for (const [name, call] of Object.entries(calls(reference))) {
        if (name === "existsObject" || name === "getBucket") continue;
        expect(await withinTurn(call()), `FilesystemStore's ${name}`).toBe(false);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
