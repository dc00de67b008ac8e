/**
 * S3 on 127.0.0.1: s3rver, which keeps objects as files. Without a data directory it works in a fresh
 * temporary directory that close() removes (and process exit removes, if close() was never reached).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeHttp, LOCAL_HOST, PortInUseError } from "./ports";

interface S3rverOptions {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  httpServer?: Server;
}

// s3rver is CommonJS without type declarations.
const require = createRequire(import.meta.url);
const S3rver = require("s3rver") as new (options: S3rverOptions) => S3rverInstance;

export interface S3Local {
  endpoint: string;
  port: number;
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
    port: options.port,
    address: LOCAL_HOST,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  let port: number;
  try {
    ({ port } = await s3rver.run());
  } catch (error) {
    process.off("exit", removeDirectory);
    removeDirectory();
    const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
    throw inUse ? new PortInUseError("S3 (s3rver)", options.port, { cause: error }) : error;
  }

  return {
    endpoint: `http://${LOCAL_HOST}:${port}`,
    port,
    async close() {
      try {
        if (s3rver.httpServer) await closeHttp(s3rver.httpServer);
      } finally {
        process.off("exit", removeDirectory);
        removeDirectory();
      }
    },
  };
}
