/**
 * S3 on 127.0.0.1: s3rver, which keeps objects as files, here through a store that reads and writes them without
 * waiting on the thread pool (infra/local/s3-store.ts, ADR 0105). Without a data directory it works in a fresh
 * temporary directory that close() removes (and process exit removes, if close() was never reached).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { closeHttp, LOCAL_HOST, listenHttp } from "./ports";
import { SynchronousFilesystemStore } from "./s3-store";

// s3rver is a Koa app: its own run() leaves a failed listen() as an unhandled 'error' event (a crash on a
// taken port), so the HTTP server is ours. Imported, not required, so that the prebuilt artefact bundles it
// with the rest of the run instead of Node loading its 293 CommonJS modules one by one (ADR 0103).

export interface S3Local {
  endpoint: string;
  port: number;
  /** The listening server (the in-process transport emits requests on it). */
  server: Server;
  close(): Promise<void>;
}

/**
 * Whether `middleware` is koa-logger's: its source reads the start time it logs from `request-received`'s
 * symbol. (Its name, `logger`, is not kept in the prebuilt artefact, which drops unused function names.)
 */
function isRequestLog(middleware: unknown): boolean {
  return typeof middleware === "function" && middleware.toString().includes("request-received.startTime");
}

/**
 * Takes out s3rver's request log when s3rver is silent (ADR 0112). s3rver's first middleware is koa-logger, which
 * for every request formats two coloured lines and hands the second to a winston logger whose only transport
 * is silent: work nobody reads. Its one other act, wrapping a streamed body that has no Content-Length in a
 * counting pass-through to report its length, leaves the bytes and headers Koa sends as they are. With s3rver
 * not silent, or its first middleware not koa-logger, nothing is taken out.
 */
export function withoutSilentRequestLog(s3rver: { silent?: boolean; middleware: unknown[] }): void {
  if (s3rver.silent === true && isRequestLog(s3rver.middleware[0])) s3rver.middleware.splice(0, 1);
}

export async function startS3Local(options: {
  port: number;
  buckets: string[];
  dataPath?: string;
}): Promise<S3Local> {
  const temporary = options.dataPath === undefined;
  const directory = options.dataPath ?? mkdtempSync(join(tmpdir(), "contract-ops-s3-"));
  if (!temporary) mkdirSync(directory, { recursive: true });
  const removeDirectory = () => {
    if (temporary) rmSync(directory, { recursive: true, force: true });
  };
  process.once("exit", removeDirectory);

  const s3rver = new S3rver({
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  // The same files as s3rver's own store, read and written without waiting on the thread pool (ADR 0105).
  s3rver.store = s3rver.context.store = new SynchronousFilesystemStore(directory);
  withoutSilentRequestLog(s3rver);
  const server = createServer(s3rver.callback());
  let port: number;
  try {
    await s3rver.configureBuckets();
    port = await listenHttp(server, "S3 (s3rver)", options.port);
  } catch (error) {
    process.off("exit", removeDirectory);
    removeDirectory();
    throw error;
  }

  return {
    endpoint: `http://${LOCAL_HOST}:${port}`,
    port,
    server,
    async close() {
      try {
        await closeHttp(server);
      } finally {
        process.off("exit", removeDirectory);
        removeDirectory();
      }
    },
  };
}
