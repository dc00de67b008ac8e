/**
 * DynamoDB on 127.0.0.1: dynalite, in memory unless a data directory is given (LevelDB on disk).
 * The table comes from `createTableInput`, the same definition the CDK stack deploys.
 */
import type { Server } from "node:http";
import { createRequire } from "node:module";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from "@aws-sdk/client-dynamodb";
import { closeHttp, LOCAL_HOST, listenHttp } from "./ports";

interface DynaliteOptions {
  /** LevelDB directory; in memory when absent. */
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without type declarations; its factory returns a plain http.Server whose
// close() also closes the store.
const require = createRequire(import.meta.url);
const dynalite = require("dynalite") as (options: DynaliteOptions) => Server;

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export async function startDynamoDbLocal(options: {
  port: number;
  dataPath?: string;
}): Promise<DynamoDbLocal> {
  // Tables, indexes and updates become ACTIVE at once: nothing in the project waits on them, and
  // CREATING states would only slow start-up.
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataPath === undefined ? {} : { path: options.dataPath }),
  });
  const port = await listenHttp(server, "DynamoDB (dynalite)", options.port);
  return { endpoint: `http://${LOCAL_HOST}:${port}`, port, close: () => closeHttp(server) };
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
