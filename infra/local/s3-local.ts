/**
 * S3 on 127.0.0.1: s3rver, which keeps objects as files, here through a store that reads and writes them without
 * waiting on the thread pool (infra/local/s3-store.ts, ADR 0105). Without a data directory it works in a fresh
 * temporary directory that close() removes (and process exit removes, if close() was never reached). One request
 * s3rver misreads is put right before its routes: a suffix range (`withSuffixRanges`).
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

const SUFFIX_RANGE = /^bytes=-(\d+)$/;
/** A path-style object path, as s3rver's routes see it after its virtual-host rewrite: /bucket/key. */
const OBJECT_PATH = /^\/([^/]+)\/(.+)$/;

interface RangeContext {
  method: string;
  path: string;
  get(field: string): string;
  request: { header: Record<string, string | string[] | undefined> };
}

/**
 * Serves suffix ranges as S3 does. `Range: bytes=-N` asks for the last N bytes (RFC 9110 §14.1.2), or the whole
 * object when it is shorter; s3rver reads it as `bytes=0-N`, the first N + 1 bytes, without a word. Before s3rver's
 * routes (after its virtual-host rewrite, so the path names the bucket), a suffix range of an object that exists
 * is rewritten to the same bytes in first-position form, from the object's size: s3rver then answers 206 with
 * `Content-Range: bytes <size − N>-<size − 1>/<size>`, S3's answer. `bytes=-0` asks for no byte, which no
 * representation satisfies (RFC 9110 §14.1.1): it becomes a range past the end, which s3rver refuses 416
 * InvalidRange after its authentication, naming the range as it was sent. An object that does not exist, or an
 * empty one, is left to s3rver as it comes (NoSuchKey; a range of an empty object is refused by the store).
 */
export function withSuffixRanges(s3rver: {
  middleware: unknown[];
  store: { getMetadata(bucket: string, key: string): Promise<Record<string, unknown>> };
}): void {
  const rewrite = async (ctx: RangeContext, next: () => Promise<void>) => {
    // Every request passes here: the Range header is read first, and the path only for a suffix range.
    const sent = ctx.get("range");
    const suffix = sent === "" ? null : SUFFIX_RANGE.exec(sent);
    if (!suffix || (ctx.method !== "GET" && ctx.method !== "HEAD")) return next();
    const [, bucket, encodedKey] = OBJECT_PATH.exec(ctx.path) ?? [];
    if (!bucket || !encodedKey) return next();
    let size: number;
    try {
      size = Number(
        (await s3rver.store.getMetadata(bucket, decodeURIComponent(encodedKey)))["content-length"],
      );
    } catch {
      return next();
    }
    if (!(size > 0)) return next();
    const length = Number(suffix[1]);
    ctx.request.header.range = length === 0 ? `bytes=${size}-` : `bytes=${Math.max(0, size - length)}-`;
    try {
      await next();
    } catch (error) {
      // s3rver names the range it read; S3 names the one the client sent.
      const refused = error as {
        code?: string;
        detail?: Record<string, unknown>;
        headers?: Record<string, string>;
      };
      if (refused.code === "InvalidRange" && refused.detail && refused.headers) {
        refused.detail.RangeRequested = sent;
        refused.headers["x-amz-error-detail-RangeRequested"] = sent;
      }
      throw error;
    }
  };
  // s3rver's last middleware is its router.
  s3rver.middleware.splice(s3rver.middleware.length - 1, 0, rewrite);
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
  withSuffixRanges(s3rver);
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
