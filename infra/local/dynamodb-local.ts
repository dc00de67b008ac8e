/**
 * DynamoDB on 127.0.0.1: dynalite, in memory unless a data directory is given (LevelDB on disk).
 * The table comes from `createTableInput`, the same definition the CDK stack deploys.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from "@aws-sdk/client-dynamodb";
import { loadDynalite } from "./dynamodb-store";
import { closeLevelIteratorsOnReturn } from "./level-iterators";
import { closeHttp, LOCAL_HOST, listenHttp } from "./ports";

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The listening server (the in-process transport emits requests on it). */
  server: Server;
  close(): Promise<void>;
}

/** Called with each request's operation (PutItem, …) and body once dynalite has received it whole. */
export type RequestObserver = (operation: string, body: string) => void;

export async function startDynamoDbLocal(options: {
  port: number;
  dataPath?: string;
  /** Sees every request before dynalite answers it (the TTL sweep notes the expiries written, ADR 0053). */
  observe?: RequestObserver;
}): Promise<DynamoDbLocal> {
  closeLevelIteratorsOnReturn();
  const dynalite = loadDynalite();
  // Tables, indexes and updates become ACTIVE at once: nothing in the project waits on them, and
  // CREATING states would only slow start-up.
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataPath === undefined ? {} : { path: options.dataPath }),
  });
  if (options.observe) observeRequests(server, options.observe);
  const port = await listenHttp(server, "DynamoDB (dynalite)", options.port);
  return { endpoint: `http://${LOCAL_HOST}:${port}`, port, server, close: () => closeHttp(server) };
}

/**
 * Tees each request body to `observe` as dynalite reads it: the listener is added in the same tick as
 * dynalite's own, so both see every chunk, and `observe` runs before dynalite's answer is written.
 */
function observeRequests(server: Server, observe: RequestObserver): void {
  const listeners = server.listeners("request") as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const target = req.headers["x-amz-target"];
    const operation = typeof target === "string" ? target.slice(target.indexOf(".") + 1) : "";
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => observe(operation, Buffer.concat(chunks).toString("utf8")));
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/**
 * Creates the table unless it already exists (a persistent data directory keeps it between runs) and
 * waits until it is ACTIVE. The SDK's waitUntilTableExists polls every 20 s, far too slow here.
 */
export async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${input.TableName} did not become ACTIVE`);
}
