/**
 * What `npm run bench:scale` counts on the embedded stack, measured where AWS would bill it: every
 * Lambda invocation (through the app's invoker), every DynamoDB request (through a proxy that asks
 * dynalite for the consumed capacity, `ReturnConsumedCapacity: TOTAL`, as DynamoDB would report it),
 * every S3 request (through a proxy, by request class).
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { InvokeLambda } from "../infra/local/sfn";

/** Wall-clock spans of one phase: union of the intervals its invocations ran. */
export interface FunctionMeter {
  invocations: number;
  spans: Array<[number, number]>;
}

export function meterLambdas(meters: Map<string, FunctionMeter>) {
  return (invoke: InvokeLambda): InvokeLambda =>
    async (functionArn, payload, context) => {
      const name =
        functionArn
          .split(":")
          .at(-1)
          ?.replace(/^ContractOps-/, "") ?? functionArn;
      const meter = meters.get(name) ?? { invocations: 0, spans: [] };
      meters.set(name, meter);
      const started = performance.now();
      try {
        return await invoke(functionArn, payload, context);
      } finally {
        const ended = performance.now();
        meter.invocations++;
        meter.spans.push([started, ended]);
      }
    };
}

/** Milliseconds covered by at least one of the spans. */
export function busyMs(spans: Array<[number, number]>): number {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let current: [number, number] | undefined;
  for (const [start, end] of sorted) {
    if (current && start <= current[1]) current[1] = Math.max(current[1], end);
    else {
      if (current) total += current[1] - current[0];
      current = [start, end];
    }
  }
  if (current) total += current[1] - current[0];
  return total;
}

export interface DynamoDbMeter {
  requests: number;
  readUnits: number;
  writeUnits: number;
  /** Requests whose response carried no ConsumedCapacity (dynalite leaves it out for some calls). */
  unreported: number;
  /**
   * Read units by operation and key prefix (`Query CONTRACT#/EMAIL#`), kept only when asked for
   * (`--reads-by-key`): which read grows when the total does.
   */
  readUnitsByKey?: Map<string, number>;
}

export interface S3Meter {
  putCopyPostList: number;
  getAndOther: number;
}

const READS = new Set(["GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"]);
const CAPACITY_REPORTING = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "TransactGetItems",
  "TransactWriteItems",
]);

interface Proxy {
  endpoint: string;
  close(): Promise<void>;
}

function startProxy(
  target: string,
  onExchange: (req: { method: string; url: string; headers: Record<string, unknown>; body: Buffer }) => {
    body: Buffer;
    onResponse?: (body: Buffer) => void;
  },
): Promise<Proxy> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const exchange = onExchange({
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      const headers = { ...req.headers, "content-length": String(exchange.body.length) };
      const forwarded = request(
        { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (upstreamRes) => {
          const out: Buffer[] = [];
          upstreamRes.on("data", (chunk: Buffer) => out.push(chunk));
          upstreamRes.on("end", () => {
            const body = Buffer.concat(out);
            exchange.onResponse?.(body);
            res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
            res.end(body);
          });
        },
      );
      forwarded.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forwarded.end(exchange.body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

type Capacity = { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> | undefined;

/** A key's text up to its first `#` (`CONTRACT#SCALE0000001` → `CONTRACT#`); a key without one whole. */
const prefixOf = (key: string) => {
  const hash = key.indexOf("#");
  return hash < 0 ? key : key.slice(0, hash + 1);
};

/**
 * Where a read request looks: `GetItem CONTRACT#/CYCLE#`, `Query CONTRACT#/LEDGER#` (its SK prefix). A Query
 * whose prefix goes on past the first `#` (one period's ledger, `LEDGER#2025-09#`) is told apart from one of
 * the whole range by a trailing `…` (`Query CONTRACT#/LEDGER#…`).
 */
function readKeyOf(operation: string, request: Record<string, unknown>): string {
  const text = (value: unknown) =>
    typeof value === "object" && value !== null && "S" in value ? String(value.S) : "";
  if (operation === "GetItem") {
    const key = (request.Key ?? {}) as Record<string, unknown>;
    return `GetItem ${prefixOf(text(key.PK))}/${prefixOf(text(key.SK))}`;
  }
  if (operation === "Query") {
    const values = (request.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const condition = String(request.KeyConditionExpression ?? "");
    const name = (attribute: string) =>
      new RegExp(`${attribute}\\s*=\\s*(:\\w+)`).exec(condition)?.[1] ??
      new RegExp(`begins_with\\(\\s*${attribute}\\s*,\\s*(:\\w+)`).exec(condition)?.[1];
    const pk = name("PK");
    const sk = name("SK");
    const skText = sk ? text(values[sk]) : "";
    const narrower = skText.length > prefixOf(skText).length ? "…" : "";
    return `Query ${prefixOf(pk ? text(values[pk]) : "")}/${sk ? `${prefixOf(skText)}${narrower}` : "*"}`;
  }
  return operation;
}

export async function startDynamoDbMeter(target: string, meter: DynamoDbMeter): Promise<Proxy> {
  return startProxy(target, ({ headers, body }) => {
    const operation =
      String(headers["x-amz-target"] ?? "")
        .split(".")
        .at(-1) ?? "";
    meter.requests++;
    if (!CAPACITY_REPORTING.has(operation)) return { body };
    const request = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    const asked = Buffer.from(JSON.stringify({ ...request, ReturnConsumedCapacity: "TOTAL" }));
    return {
      body: asked,
      onResponse: (response) => {
        let consumed: Capacity;
        try {
          consumed = (JSON.parse(response.toString("utf8")) as { ConsumedCapacity?: Capacity })
            .ConsumedCapacity;
        } catch {
          consumed = undefined;
        }
        const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        if (consumed === undefined) meter.unreported++;
        if (READS.has(operation)) {
          meter.readUnits += units;
          if (meter.readUnitsByKey) {
            const key = readKeyOf(operation, request);
            meter.readUnitsByKey.set(key, (meter.readUnitsByKey.get(key) ?? 0) + units);
          }
        } else meter.writeUnits += units;
      },
    };
  });
}

export async function startS3Meter(target: string, meter: S3Meter): Promise<Proxy> {
  return startProxy(target, ({ method, url, body }) => {
    const [path = "/", query = ""] = url.split("?");
    const objectRequest = path.split("/").filter(Boolean).length > 1;
    const listing = method === "GET" && !objectRequest && /(^|&)list-type=|(^|&)prefix=/.test(query);
    if (method === "PUT" || method === "POST" || listing) meter.putCopyPostList++;
    else meter.getAndOther++;
    return { body };
  });
}
