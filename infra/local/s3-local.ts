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
