/**
 * `npm run bench:s3-store [-- --rounds R]`: what the embedded S3's store costs the year's object work
 * (ADR 0105). The stores are s3rver's FilesystemStore and the synchronous store of `infra/local/s3-store.ts`. The
 * work is the store calls behind `npm start`'s S3 requests: 36 PutObjects (twelve months of voice usage of
 * 1.26 MB, SMS logs and findings), then for each month a HEAD and a GET of the voice file read to its end. Every
 * request also reads the bucket's CORS and website configuration, as s3rver's middleware does. The two stores
 * alternate round by round so that load from other work falls on both. Printed for each: wall milliseconds (the
 * thread-pool waits included) and the process's CPU milliseconds, as the median of the rounds. Never asserted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import S3Object from "s3rver/lib/models/object";
import FilesystemStore from "s3rver/lib/stores/filesystem";
import { SynchronousFilesystemStore } from "../infra/local/s3-store";
import { callsAndRounds, cpuMicroseconds, median } from "./per-call-options";

const { rounds } = callsAndRounds("npm run bench:s3-store -- [--rounds R]", { calls: 1, rounds: 7 }, 1);
const BUCKET = "usage";
const voice = Buffer.alloc(1_260_000, "13800138000,01088886666,61\n");
const sms = Buffer.alloc(30_000, "13800138000,2025-09-01\n");
const findings = Buffer.from('{"rows":600}');
const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`);

async function year(store: FilesystemStore): Promise<void> {
  const request = async () => {
    await store.getSubresource(BUCKET, undefined, "cors");
    await store.getSubresource(BUCKET, undefined, "website");
    await store.getBucket(BUCKET);
  };
  for (const month of months) {
    for (const [name, body] of [
      ["voice.csv", voice],
      ["sms-findings.json", findings],
      ["sms.csv", sms],
    ] as const) {
      await request();
      await store.putObject(
        new S3Object(BUCKET, `usage/c1/${month}/${name}`, body, { "content-type": "text/csv" }),
      );
    }
  }
  for (const month of months) {
    const key = `usage/c1/${month}/voice.csv`;
    await request();
    ((await store.getObject(BUCKET, key))?.content as Readable | null)?.destroy();
    await request();
    const object = await store.getObject(BUCKET, key);
    for await (const _chunk of (object?.content as Readable | null) ?? []);
  }
}

const stores = {
  FilesystemStore: (directory: string) => new FilesystemStore(directory),
  SynchronousFilesystemStore: (directory: string) => new SynchronousFilesystemStore(directory),
};
const figures = new Map<string, { wall: number[]; cpu: number[] }>();
for (let round = 0; round <= rounds; round++) {
  for (const [name, make] of Object.entries(stores)) {
    const directory = mkdtempSync(join(tmpdir(), "s3-store-bench-"));
    try {
      const store = make(directory);
      await store.putBucket(BUCKET);
      const cpuBefore = cpuMicroseconds();
      const wallBefore = performance.now();
      await year(store);
      const wall = performance.now() - wallBefore;
      const cpu = (cpuMicroseconds() - cpuBefore) / 1000;
      // Round 0 warms up.
      if (round === 0) continue;
      const kept = figures.get(name) ?? { wall: [], cpu: [] };
      kept.wall.push(wall);
      kept.cpu.push(cpu);
      figures.set(name, kept);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
}
for (const [name, { wall, cpu }] of figures) {
  process.stdout.write(
    `${name.padEnd(28)} wall ${median(wall).toFixed(1)} ms, CPU ${median(cpu).toFixed(1)} ms (median of ${wall.length})\n`,
  );
}
