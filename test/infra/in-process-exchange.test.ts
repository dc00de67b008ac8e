/**
 * The in-process transport's request and response pair (ADR 0107) against Node's HTTP stack over a socket,
 * the oracle: one server, listening on 127.0.0.1, gets each request once through the SDK's NodeHttpHandler
 * (a real client and socket) and once through the transport. The server's listener must see the same request
 * (method, target, header fields, body bytes, peer address), and the SDK the same answer (status, reason,
 * header fields, body bytes) — including what Node's server adds on the wire (an implicit Content-Length,
 * chunked encoding) and what it leaves out (the body of HEAD, 204 and 304), and a connection reset.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { HttpRequest, type HttpResponse } from "@smithy/core/protocols";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessTransport } from "../../infra/local/in-process-transport";

/** What the server's listener saw of one request. */
interface SeenRequest {
  method: string | undefined;
  url: string | undefined;
  httpVersion: string;
  headers: Record<string, unknown>;
  rawHeaders: string[];
  body: Buffer;
  remoteAddress: string | undefined;
  complete: boolean;
}

/** A 1.26 MB body, the size of a month's voice usage file, in 64 KiB chunks. */
const largeBody = Buffer.alloc(1_260_000);
for (let i = 0; i < largeBody.length; i++) largeBody[i] = (i * 7 + (i >> 11)) % 251;
const chunksOf = (bytes: Buffer, size: number) => {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
};

/** The answers the server gives, by path. Each is written through the public ServerResponse API. */
const answers: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  // No Content-Length set: Node's server adds one for a body given whole to end().
  "/implicit-length": (_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ 话单: "¥1.00" }));
  },
  // Written in parts with no length: Node's server sends it chunked.
  "/chunked": (_req, res) => {
    res.setHeader("content-type", "text/csv; charset=utf-8");
    res.write("Calling,Called\n");
    res.write(Buffer.from("043180001111,13904310000\n"));
    res.end("中文,¥\n");
  },
  "/status-line": (_req, res) => {
    res.setHeader("x-amz-meta-list", ["a", "b"]);
    res.setHeader("set-cookie", ["one=1", "two=2"]);
    res.setHeader("Content-Length", 4);
    res.writeHead(201, "Made Here", { "x-amz-request-charged": "requester" });
    res.end("done");
  },
  // A body written after a 204 head: Node's server drops it.
  "/no-content": (_req, res) => {
    res.statusCode = 204;
    res.write("dropped");
    res.end();
  },
  // HEAD: the length of the object, no body.
  "/object": (_req, res) => {
    res.setHeader("content-length", 11);
    res.setHeader("etag", '"abc"');
    res.end("hello world");
  },
  // Streamed in 64 KiB chunks through pipe(): the answer's reader sets the pace.
  "/large": (_req, res) => {
    res.setHeader("content-length", largeBody.length);
    Readable.from(chunksOf(largeBody, 65_536)).pipe(res);
  },
  "/destroyed-before-head": (_req, res) => {
    res.destroy();
  },
  "/destroyed-mid-body": (_req, res) => {
    res.setHeader("content-length", 100);
    res.write("only part of it");
    setImmediate(() => res.destroy());
  },
};

let server: Server;
let endpoint: { hostname: string; port: number };
const seen: SeenRequest[] = [];
const transport = new InProcessTransport();
/** The same server with its answers handed over whole, as the embedded stack registers DynamoDB (ADR 0113). */
const wholeTransport = new InProcessTransport();
const overSocket = new NodeHttpHandler();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      seen.push({
        method: req.method,
        url: req.url,
        httpVersion: req.httpVersion,
        headers: { ...req.headers },
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        remoteAddress: req.socket.remoteAddress,
        complete: req.complete,
      });
      const answer = answers[new URL(req.url ?? "/", "http://x").pathname] ?? answers["/implicit-length"];
      answer?.(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = { hostname: "127.0.0.1", port: (server.address() as AddressInfo).port };
  transport.register(`http://127.0.0.1:${endpoint.port}`, server);
  wholeTransport.register(`http://127.0.0.1:${endpoint.port}`, server, "whole");
});

afterAll(async () => {
  transport.destroy();
  wholeTransport.destroy();
  overSocket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

type Handler = { handle(request: HttpRequest): Promise<{ response: HttpResponse }> };
const paths = {
  overSocket: () => overSocket as Handler,
  inProcess: () => transport.requestHandler as Handler,
  inProcessWhole: () => wholeTransport.requestHandler as Handler,
};

const request = (fields: Partial<HttpRequest> & { path: string }) =>
  new HttpRequest({ protocol: "http:", ...endpoint, method: "GET", ...fields });

/**
 * The answer as the SDK's deserializer reads it (a stream to its end, or bytes whole, as `collectBody` takes
 * both); `slowly` reads a chunk per timer tick.
 */
async function answerOf(response: HttpResponse, slowly = false) {
  const chunks: Buffer[] = [];
  const body = response.body instanceof Uint8Array ? [response.body] : (response.body as Readable);
  for await (const chunk of body) {
    chunks.push(Buffer.from(chunk));
    if (slowly) await sleep(1);
  }
  // Date: the second it was sent. Connection, Keep-Alive: the socket's reuse, which only a socket has.
  const { date, connection, "keep-alive": _keepAlive, ...headers } = response.headers;
  expect(date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  return { status: response.statusCode, reason: response.reason, headers, body: Buffer.concat(chunks) };
}

/** Sends the request both ways (a fresh request each time: a handler may change it) and returns both. */
async function bothWays(make: () => HttpRequest, slowly = false) {
  const answered = { overSocket: await answerOf((await paths.overSocket().handle(make())).response, slowly) };
  const heard = seen.splice(0);
  const inProcess = await answerOf((await paths.inProcess().handle(make())).response, slowly);
  return { ...answered, inProcess, heard: [...heard, ...seen.splice(0)] };
}

/**
 * The request as the listener saw it, without the Connection field Node's client adds for its socket pool;
 * the body as its length and digest (a deep comparison of a megabyte is slow enough to let a kept-alive
 * socket time out).
 */
function withoutConnection(request: SeenRequest | undefined) {
  if (!request) return request;
  const { connection: _connection, ...headers } = request.headers;
  const rawHeaders: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i]?.toLowerCase() !== "connection")
      rawHeaders.push(request.rawHeaders[i] as string, request.rawHeaders[i + 1] as string);
  }
  const body = {
    length: request.body.length,
    sha256: createHash("sha256").update(request.body).digest("hex"),
  };
  return { ...request, headers, rawHeaders, body };
}

/**
 * A response the server destroys before its head, or in the middle of its body, fails `handler`'s caller as it fails
 * Node's client over a socket: "socket hang up" without a head, "aborted" in the middle of a body (ECONNRESET both).
 */
async function expectResetsAsOverSocket(handler: Handler): Promise<void> {
  const failure = async (answering: Handler, path: string) => {
    try {
      const { response } = await answering.handle(request({ path }));
      await answerOf(response);
      return "answered";
    } catch (error) {
      const e = error as Error & { code?: string };
      return { code: e.code, message: e.message };
    }
  };
  for (const path of ["/destroyed-before-head", "/destroyed-mid-body"]) {
    const expected = await failure(paths.overSocket(), path);
    expect(expected).toMatchObject({ code: "ECONNRESET" });
    expect(await failure(handler, path)).toEqual(expected);
  }
  seen.splice(0);
}

describe("in-process exchange against Node's HTTP over a socket", () => {
  it("hands the server the same request: method, target, fields in order and case, body bytes, peer", async () => {
    const json = JSON.stringify({ TableName: "ContractOps", Key: { PK: { S: "CONTRACT#话单" } } });
    const requests = [
      // DynamoDB's JSON protocol: a text body, the SDK's lower-case field names.
      () =>
        request({
          method: "POST",
          path: "/",
          headers: {
            host: `127.0.0.1:${endpoint.port}`,
            "content-type": "application/x-amz-json-1.0",
            "content-length": String(Buffer.byteLength(json)),
            "x-amz-target": "DynamoDB_20120810.GetItem",
            "X-Amz-Date": "20261201T000000Z",
          },
          body: json,
        }),
      // S3: a path and query string, bytes as a Uint8Array view into a larger buffer.
      () =>
        request({
          method: "PUT",
          path: "/contract-ops-usage/usage/c%201/voice.csv",
          query: { "x-id": "PutObject", tagging: "" },
          headers: { host: `127.0.0.1:${endpoint.port}`, "content-length": "6" },
          body: new Uint8Array(Buffer.from("xx话单xx")).subarray(2, 8),
        }),
      // A streamed body of known length.
      () =>
        request({
          method: "PUT",
          path: "/large",
          headers: { host: `127.0.0.1:${endpoint.port}`, "content-length": String(largeBody.length) },
          body: Readable.from(chunksOf(largeBody, 65_536)),
        }),
      // No Host field: Node's client adds one from the request's host and port.
      () => request({ path: "/implicit-length", headers: { "user-agent": "probe" } }),
      // What the SDK sends with an S3 body of 2 MiB or more: Node's server answers 100 Continue first.
      () =>
        request({
          method: "PUT",
          path: "/implicit-length",
          headers: { host: `127.0.0.1:${endpoint.port}`, "content-length": "5", Expect: "100-continue" },
          body: "hello",
        }),
    ];
    for (const make of requests) {
      const { heard } = await bothWays(make);
      expect(heard).toHaveLength(2);
      expect(withoutConnection(heard[1])).toEqual(withoutConnection(heard[0]));
      expect(heard[1]?.remoteAddress).toBe("127.0.0.1");
      expect(heard[1]?.complete).toBe(true);
    }
  });

  it("gives the SDK the same answer: status, reason, header fields and body bytes", async () => {
    const cases: Array<[string, () => HttpRequest, (answer: Awaited<ReturnType<typeof answerOf>>) => void]> =
      [
        [
          "an implicit Content-Length",
          () => request({ path: "/implicit-length" }),
          (a) => expect(a.headers["content-length"]).toBe(String(Buffer.byteLength('{"话单":"¥1.00"}'))),
        ],
        [
          "chunked",
          () => request({ path: "/chunked" }),
          (a) => {
            expect(a.headers["transfer-encoding"]).toBe("chunked");
            expect(a.body.toString("utf8")).toBe("Calling,Called\n043180001111,13904310000\n中文,¥\n");
          },
        ],
        [
          "a reason phrase and repeated fields",
          () => request({ path: "/status-line" }),
          // Node's client joins a repeated x- field with ", "; NodeHttpHandler joins Set-Cookie's list with ",".
          (a) => {
            expect([a.status, a.reason]).toEqual([201, "Made Here"]);
            expect(a.headers["x-amz-meta-list"]).toBe("a, b");
            expect(a.headers["set-cookie"]).toBe("one=1,two=2");
          },
        ],
        [
          "204 without its body",
          () => request({ path: "/no-content" }),
          (a) => expect(a.body.length).toBe(0),
        ],
        [
          "HEAD without its body",
          () => request({ method: "HEAD", path: "/object" }),
          (a) => {
            expect(a.headers["content-length"]).toBe("11");
            expect(a.body.length).toBe(0);
          },
        ],
        [
          "GET of the same object",
          () => request({ path: "/object" }),
          (a) => expect(a.body.toString()).toBe("hello world"),
        ],
        [
          "an expectation the server does not know",
          () =>
            request({ path: "/object", headers: { host: `127.0.0.1:${endpoint.port}`, expect: "teapot" } }),
          // RFC 9110, 10.1.1: 417 Expectation Failed; the listener never sees the request.
          (a) => expect(a.status).toBe(417),
        ],
      ];
    for (const [name, make, check] of cases) {
      const { overSocket: expected, inProcess } = await bothWays(make);
      check(expected);
      expect({ name, ...inProcess }).toEqual({ name, ...expected });
    }
  });

  it("streams a 1.26 MB answer at its reader's pace, every byte in order", async () => {
    const { overSocket: expected, inProcess } = await bothWays(() => request({ path: "/large" }), true);
    expect(expected.body.equals(largeBody)).toBe(true);
    expect(inProcess.headers).toEqual(expected.headers);
    expect(inProcess.body.equals(largeBody)).toBe(true);
  });

  it("fails as a socket reset does when the server destroys the response, before or during its body", async () => {
    await expectResetsAsOverSocket(paths.inProcess());
  });
});

/** An answer with its body as length and digest (a deep comparison of a megabyte outlasts a kept-alive socket). */
function digested({ body, ...answer }: Awaited<ReturnType<typeof answerOf>>) {
  return { ...answer, length: body.length, sha256: createHash("sha256").update(body).digest("hex") };
}

describe("answers handed over whole (ADR 0113) against Node's HTTP over a socket", () => {
  /** Over the socket, then whole in-process; the listener hears each request once each way. */
  async function overSocketThenWhole(make: () => HttpRequest) {
    const expected = await answerOf((await paths.overSocket().handle(make())).response);
    const { response } = await paths.inProcessWhole().handle(make());
    const whole = response.body;
    const answer = await answerOf(response);
    seen.splice(0);
    return { expected, answer, whole };
  }

  it("gives the SDK the same status, reason, header fields and body bytes, the body as bytes", async () => {
    const requests: Array<[string, () => HttpRequest]> = [
      ["an implicit Content-Length", () => request({ path: "/implicit-length" })],
      ["chunked", () => request({ path: "/chunked" })],
      ["a reason phrase and repeated fields", () => request({ path: "/status-line" })],
      ["204 without its body", () => request({ path: "/no-content" })],
      ["HEAD without its body", () => request({ method: "HEAD", path: "/object" })],
      ["1.26 MB in 64 KiB chunks", () => request({ path: "/large" })],
      [
        "a DynamoDB JSON request",
        () =>
          request({
            method: "POST",
            path: "/implicit-length",
            headers: {
              "content-type": "application/x-amz-json-1.0",
              "x-amz-target": "DynamoDB_20120810.GetItem",
            },
            body: JSON.stringify({ TableName: "ContractOps" }),
          }),
      ],
    ];
    for (const [name, make] of requests) {
      const { expected, answer, whole } = await overSocketThenWhole(make);
      // Not a stream: the SDK's collectBody takes a Uint8Array as it is.
      expect(whole instanceof Uint8Array, name).toBe(true);
      expect({ name, ...digested(answer) }).toEqual({ name, ...digested(expected) });
    }
  });

  it("fails as a socket reset does when the server destroys the response, before or during its body", async () => {
    await expectResetsAsOverSocket(paths.inProcessWhole());
  });
});
