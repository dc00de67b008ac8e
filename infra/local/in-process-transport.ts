/**
 * How the embedded stack's SDK clients reach its DynamoDB and S3 emulators (ADR 0077): by default over
 * HTTP on 127.0.0.1, like any client; with the in-process transport, the SDK's signed HTTP request is handed
 * to the emulator's HTTP server as a request event without a socket (Node's own IncomingMessage and
 * ServerResponse, in-process-exchange.ts, ADR 0107), and the emulator's answer goes back to the SDK's
 * deserializer.
 * Everything above the socket is unchanged: the SDK's serializers, SigV4 signing, retries, the fault plan's
 * and IAM enforcement's middleware (ADR 0022, ADR 0025) and the emulators' own request listeners. The
 * servers still listen on their ports, so outside tools reach them over HTTP either way.
 */
import type { Server } from "node:http";
import { Readable } from "node:stream";
import { buildQueryString, type HttpRequest, HttpResponse } from "@smithy/core/protocols";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { ClientHook } from "../../functions/adapters/aws-config";
import { type ExchangeRequest, exchange, exchangeWhole } from "./in-process-exchange";

export type LocalTransport = "http" | "in-process";

export const LOCAL_TRANSPORTS: readonly LocalTransport[] = ["http", "in-process"];

/** What the SDK's request handler interface needs (`handle`, `destroy`, `metadata`). */
interface RequestHandlerLike {
  metadata: { handlerProtocol: string };
  handle(request: HttpRequest, options?: { abortSignal?: AbortSignal }): Promise<{ response: HttpResponse }>;
  destroy(): void;
}

/** The SDK sends a body as text, bytes or a stream; the emulator reads it as bytes (UTF-8 for text, as on a socket). */
function payloadOf(body: unknown): ExchangeRequest["body"] {
  if (body === undefined || body === null) return undefined;
  if (Buffer.isBuffer(body) || body instanceof Readable) return body;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError(`in-process transport: unsupported request body (${typeof body})`);
}

/** The request line's target as the SDK's HTTP handler writes it (NodeHttpHandler: path, then the query). */
function pathWithQuery(request: HttpRequest): string {
  const query = request.query ? buildQueryString(request.query) : "";
  return query === "" ? request.path : `${request.path}?${query}`;
}

/** The SDK's header fields, with the Host field Node's HTTP client adds when the SDK has none. */
function withHost(request: HttpRequest): Record<string, string> {
  const { headers } = request;
  if (headers.host !== undefined || Object.keys(headers).some((name) => name.toLowerCase() === "host"))
    return headers;
  return { ...headers, Host: request.port ? `${request.hostname}:${request.port}` : request.hostname };
}

/**
 * How the SDK receives an emulator's answer bodies: as a stream, as NodeHttpHandler hands it Node's
 * `IncomingMessage`, or as the body's bytes whole, which the SDK's deserializer also takes (`collectBody`)
 * and which skips two streams per call (ADR 0113). Whole only for a service with no streaming output.
 */
export type AnswerBodies = "streamed" | "whole";

interface Registered {
  server: Server;
  bodies: AnswerBodies;
}

/**
 * Routes each request by host and port: one of the registered emulators in-process, anything else over
 * HTTP (a client of this process pointed elsewhere keeps working).
 */
export class InProcessTransport {
  private readonly servers = new Map<string, Registered>();
  private readonly fallback = new NodeHttpHandler();

  /** Serves requests for `endpoint` (http://host:port) by emitting them on this server. */
  register(endpoint: string, server: Server, bodies: AnswerBodies = "streamed"): void {
    this.servers.set(new URL(endpoint).host, { server, bodies });
  }

  readonly requestHandler: RequestHandlerLike = {
    metadata: { handlerProtocol: "http/1.1" },
    handle: (request, options) => {
      const registered = this.servers.get(
        request.port ? `${request.hostname}:${request.port}` : request.hostname,
      );
      if (!registered) return this.fallback.handle(request, options);
      return this.dispatch(registered, request);
    },
    destroy: () => {},
  };

  /** Gives every client built from now on this transport (its requestHandler is read at each send). */
  readonly clientHook: ClientHook = (client) => {
    (client.config as { requestHandler: unknown }).requestHandler = this.requestHandler;
  };

  private async dispatch(
    { server, bodies }: Registered,
    request: HttpRequest,
  ): Promise<{ response: HttpResponse }> {
    const sent: ExchangeRequest = {
      method: request.method,
      url: pathWithQuery(request),
      headers: withHost(request),
      body: payloadOf(request.body),
    };
    const answer = await (bodies === "whole" ? exchangeWhole(server, sent) : exchange(server, sent));
    return {
      response: new HttpResponse({
        statusCode: answer.statusCode,
        reason: answer.reason,
        headers: answer.headers,
        body: answer.body,
      }),
    };
  }

  destroy(): void {
    this.fallback.destroy();
  }
}
