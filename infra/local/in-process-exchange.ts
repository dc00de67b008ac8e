/**
 * One HTTP/1.1 exchange with an emulator's `http.Server` without a socket (ADR 0077, ADR 0107): the request
 * becomes Node's own `IncomingMessage` and the emulator answers on Node's own `ServerResponse`, both on one
 * stand-in socket, and are emitted as the server's `request` event in the order Node's HTTP server does it
 * (the response's `finish` handling registered first, the body pushed after the listeners have run). The answer
 * is what a client would read off the wire: the status and header fields of the head Node serialises for the
 * socket, and the body as the emulator writes it, before Node frames it (chunked encoding) for the socket.
 */
import { EventEmitter } from "node:events";
import { IncomingMessage, type Server, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { type FieldFolding, foldField, headersOf } from "./in-process-headers";

/** The request as it would arrive from a client on the loopback interface. */
export interface ExchangeRequest {
  method: string;
  /** The request line's target: the path and the query string. */
  url: string;
  /** The header fields in the client's order and case, `host` included. */
  headers: Readonly<Record<string, string>>;
  body: Buffer | Readable | undefined;
}

/** The answer as Node's HTTP client hands it to the SDK's NodeHttpHandler. */
export interface ExchangeAnswer {
  statusCode: number;
  reason: string;
  /** Lower-case names; repeated fields folded as Node's client folds them, lists joined with "," (NodeHttpHandler). */
  headers: Record<string, string>;
  /** The body's bytes, streamed as the emulator writes them; none for HEAD, 204 and 304. */
  body: Readable;
}

/** The peer address the emulators see (Koa's `ctx.ip`), as for a client on 127.0.0.1. */
const LOOPBACK = "127.0.0.1";

/** What a client's socket reports when the server closes it mid-answer (Node's HTTP client). */
function connectionReset(message: string): Error {
  return Object.assign(new Error(message), { code: "ECONNRESET" });
}

/**
 * What Node's `IncomingMessage` and `ServerResponse` use of their socket. The bytes written to it (head, body,
 * chunk framing) go nowhere: the answer is taken from the response before Node frames it. Its write callbacks
 * run on the next tick, as a socket's run once the bytes are handed on, so `finish` follows `end()` as it does
 * on a socket.
 */
class StandInSocket extends EventEmitter {
  readonly remoteAddress = LOOPBACK;
  readonly remoteFamily = "IPv4";
  /** A request body still streaming in: `IncomingMessage._read` resumes it through `resume()`, as a socket. */
  incoming: Readable | undefined;
  writable = true;
  destroyed = false;
  _httpMessage: unknown = null;
  /** `OutgoingMessage.end()` sets `_writableState.corked` to uncork the socket fully. */
  readonly _writableState = { corked: 0 };
  readonly writableCorked = 0;
  readonly writableLength = 0;

  get readable(): boolean {
    return this.incoming !== undefined;
  }

  resume(): this {
    this.incoming?.resume();
    return this;
  }

  cork(): void {}

  uncork(): void {}

  write(_data: unknown, encoding?: unknown, callback?: unknown): boolean {
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") process.nextTick(done as () => void);
    return true;
  }

  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.writable = false;
    // Node's server listens for a socket's errors; the response's own `close` is what an emulator sees.
    process.nextTick(() => this.emit("close", error !== undefined));
    return this;
  }

  setTimeout(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  address(): { address: string; family: string; port: number } {
    return { address: LOOPBACK, family: "IPv4", port: 0 };
  }
}

type Chunk = string | Uint8Array;

function bytesOf(chunk: Chunk, encoding: unknown): Buffer {
  if (typeof chunk === "string")
    return Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Where an answer's body bytes go as the emulator writes them, after Node has taken them for the socket. */
interface AnswerBody {
  /** False asks the emulator to wait for `drain`, as a full socket does. */
  push(bytes: Buffer): boolean;
  /** The emulator ended the answer: every byte has been pushed. */
  end(): void;
}

/**
 * The body as a stream the SDK reads, whose reads are the emulator's backpressure: a full buffer holds the
 * emulator's writes until the reader asks for more, as a socket would.
 */
class StreamedBody implements AnswerBody {
  readonly stream: Readable;
  private awaitingDrain = false;

  constructor(drain: () => void) {
    this.stream = new Readable({
      read: () => {
        if (!this.awaitingDrain) return;
        this.awaitingDrain = false;
        drain();
      },
    });
  }

  push(bytes: Buffer): boolean {
    if (this.stream.push(bytes)) return true;
    this.awaitingDrain = true;
    return false;
  }

  end(): void {
    this.stream.push(null);
  }

  /** The response was destroyed after its head: the reader sees the socket's error. */
  fail(error: Error): void {
    this.stream.destroy(error);
  }
}

/**
 * The body's bytes kept whole and handed over once the emulator ends the answer: for a service whose answers
 * are read whole anyway (DynamoDB's JSON protocol has no streaming output, and the SDK collects every body
 * before parsing it), without a stream between the emulator and the SDK.
 */
class WholeBody implements AnswerBody {
  private readonly chunks: Buffer[] = [];

  constructor(private readonly ended: (bytes: Buffer) => void) {}

  push(bytes: Buffer): boolean {
    this.chunks.push(bytes);
    return true;
  }

  end(): void {
    const [only] = this.chunks;
    this.ended(this.chunks.length === 1 && only !== undefined ? only : Buffer.concat(this.chunks));
  }
}

/**
 * Node's `ServerResponse`, its head and body kept as the emulator writes them. Every write still goes through
 * `ServerResponse` (implicit headers, content length, HEAD/204/304 bodies dropped, write after end refused);
 * the body's bytes are also handed to `body`.
 */
class AnswerResponse extends ServerResponse {
  body: AnswerBody | undefined;

  constructor(
    request: IncomingMessage,
    private readonly onHead: (response: AnswerResponse) => void,
  ) {
    super(request);
  }

  /** `_implicitHeader` calls this too, so it sees every head: the answer's head is known from here on. */
  override writeHead(...args: unknown[]): this {
    (ServerResponse.prototype.writeHead as (...a: unknown[]) => unknown).apply(this, args);
    this.onHead(this);
    return this;
  }

  override write(chunk: Chunk, encoding?: unknown, callback?: unknown): boolean {
    const refused = this.finished || this.destroyed;
    const written = (ServerResponse.prototype.write as (...a: unknown[]) => boolean).call(
      this,
      chunk,
      encoding,
      callback,
    );
    if (refused || !this.hasBody()) return written;
    return this.body?.push(bytesOf(chunk, encoding)) ?? true;
  }

  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (typeof chunk === "function") return this.end(undefined, undefined, chunk);
    if (typeof encoding === "function") return this.end(chunk, undefined, encoding);
    const ending = !this.finished;
    (ServerResponse.prototype.end as (...a: unknown[]) => unknown).call(this, chunk, encoding, callback);
    if (!ending) return this;
    if (chunk && this.hasBody()) this.body?.push(bytesOf(chunk as Chunk, encoding));
    this.body?.end();
    return this;
  }

  /** False for HEAD and once the head says 204 or 304: Node sends no body bytes then. */
  private hasBody(): boolean {
    return (this as unknown as { _hasBody: boolean })._hasBody;
  }

  /** The head as Node serialised it for the socket (status line, header fields, blank line). */
  head(): string {
    return (this as unknown as { _header: string })._header;
  }
}

function incomingMessage(socket: StandInSocket, request: ExchangeRequest): IncomingMessage {
  const message = new IncomingMessage(socket as never);
  message.httpVersionMajor = 1;
  message.httpVersionMinor = 1;
  message.httpVersion = "1.1";
  message.method = request.method;
  message.url = request.url;
  const rawHeaders: string[] = [];
  const headers = {};
  for (const name in request.headers) {
    const value = request.headers[name] as string;
    rawHeaders.push(name, value);
    foldField(message as FieldFolding, name, value, headers);
  }
  message.rawHeaders = rawHeaders;
  message.headers = headers;
  return message;
}

/**
 * Pushes the request's body after the `request` listeners have run, as Node's parser does, then marks the
 * message complete. A streamed body is paused while the message's buffer is full and resumed by its reads.
 */
function sendBody(socket: StandInSocket, message: IncomingMessage, body: ExchangeRequest["body"]): void {
  const complete = () => {
    socket.incoming = undefined;
    message.complete = true;
    message.push(null);
  };
  if (body === undefined || Buffer.isBuffer(body)) {
    if (body !== undefined && body.length > 0) message.push(body);
    complete();
    return;
  }
  socket.incoming = body;
  body.on("data", (chunk: Buffer | string) => {
    if (!message.push(chunk)) body.pause();
  });
  body.once("end", complete);
  body.once("error", (error) => message.destroy(error));
}

const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/**
 * Hands the pair to the server's listeners as Node's server does (`parserOnIncoming`): an `Expect: 100-continue`
 * goes to `checkContinue` listeners, or is answered with an interim 100 before `request`; any other expectation
 * goes to `checkExpectation` listeners, or is refused with 417.
 */
function emitRequest(server: Server, message: IncomingMessage, response: ServerResponse): void {
  const expectation = message.headers.expect;
  if (expectation === undefined) {
    server.emit("request", message, response);
  } else if (CONTINUE.test(expectation)) {
    // Without the interim 100, Node closes the connection after the answer (Connection: close).
    (response as unknown as { _expect_continue: boolean })._expect_continue = true;
    if (server.listenerCount("checkContinue") > 0) {
      server.emit("checkContinue", message, response);
    } else {
      response.writeContinue();
      server.emit("request", message, response);
    }
  } else if (server.listenerCount("checkExpectation") > 0) {
    server.emit("checkExpectation", message, response);
  } else {
    response.writeHead(417);
    response.end();
  }
}

/** What Node's server does to a response once its socket is done with it (`emitCloseNT`). */
function closeResponse(response: ServerResponse): void {
  response.destroyed = true;
  (response as unknown as { _closed: boolean })._closed = true;
  response.emit("close");
}

/** The answer's status, reason and header fields, from the head Node serialised for the socket. */
function headOf(response: AnswerResponse): Omit<ExchangeAnswer, "body"> {
  return {
    statusCode: response.statusCode,
    reason: response.statusMessage,
    headers: headersOf(response.head()),
  };
}

/**
 * Emits `request` on `server` as Node's server does and hands the response to `begin` before the listeners
 * run; `onReset` hears a response destroyed before it finished: before its head, or during its body.
 */
function serve(
  server: Server,
  request: ExchangeRequest,
  begin: (response: AnswerResponse) => void,
  onReset: (error: Error, headersSent: boolean) => void,
  onHead: (response: AnswerResponse) => void = () => {},
): void {
  const socket = new StandInSocket();
  const message = incomingMessage(socket, request);
  const response = new AnswerResponse(message, onHead);
  begin(response);
  response.assignSocket(socket as never);
  // Node's server: once the answer is out, an unread request body is discarded, the socket detached and
  // the response closed on the next tick.
  response.once("finish", () => {
    const unread = message as unknown as {
      _consuming: boolean;
      _readableState: { resumeScheduled: boolean };
      _dump(): void;
    };
    if (!unread._consuming && !unread._readableState.resumeScheduled) unread._dump();
    response.detachSocket(socket as never);
    process.nextTick(() => response.closed || closeResponse(response));
  });
  response.once("close", () => {
    if (response.writableFinished) return;
    onReset(connectionReset(response.headersSent ? "aborted" : "socket hang up"), response.headersSent);
  });
  emitRequest(server, message, response);
  sendBody(socket, message, request.body);
}

/**
 * Emits `request` on `server` and resolves with the answer once its head is written, its body a stream the
 * caller reads. A response destroyed before its head rejects as a reset connection does; one destroyed
 * mid-body errors the body's stream.
 */
export function exchange(server: Server, request: ExchangeRequest): Promise<ExchangeAnswer> {
  return new Promise((resolve, reject) => {
    let body: StreamedBody | undefined;
    serve(
      server,
      request,
      (response) => {
        body = new StreamedBody(() => response.emit("drain"));
        response.body = body;
      },
      (error, headersSent) => (headersSent ? body?.fail(error) : reject(error)),
      (response) => resolve({ ...headOf(response), body: (body as StreamedBody).stream }),
    );
  });
}

/** The answer with its body's bytes whole. */
export interface WholeExchangeAnswer extends Omit<ExchangeAnswer, "body"> {
  body: Buffer;
}

/**
 * Emits `request` on `server` and resolves with the answer once the emulator has ended it, its body's bytes
 * whole: the same status, reason, header fields and bytes as `exchange`, for a caller that reads every body
 * to its end before using it. A response destroyed before it ended rejects as a reset connection does
 * ("socket hang up" before the head, "aborted" after it).
 */
export function exchangeWhole(server: Server, request: ExchangeRequest): Promise<WholeExchangeAnswer> {
  return new Promise((resolve, reject) => {
    serve(
      server,
      request,
      (response) => {
        response.body = new WholeBody((bytes) => resolve({ ...headOf(response), body: bytes }));
      },
      reject,
    );
  });
}
