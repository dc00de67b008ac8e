/**
 * dynalite loaded with two of its dependencies swapped for leaner equivalents, for dynalite alone (ADR 0101):
 *
 * - Its in-memory store keeps keys and values as strings (memory-level's `storeEncoding: "utf8"`). By default
 *   memory-level stores Buffers, so every item written was `JSON.stringify`d, then encoded to UTF-8 bytes, and
 *   every item read was decoded from UTF-8 before `JSON.parse`; key comparisons ran a byte loop in JavaScript.
 *   As strings the JSON text is stored as it is and keys compare natively. dynalite's keys are ASCII (hex digits,
 *   table and index names), where string order is byte order, so every Query and Scan sees the same items in
 *   the same order. The store on disk (classic-level) already reads and writes the JSON as text.
 * - Its response checksum (`x-amz-crc32`, CRC-32 of the body) comes from zlib's native `crc32` instead of
 *   buffer-crc32's table loop in JavaScript: the same standard CRC-32, so the same header.
 *
 * dynalite reads both when it loads (`const { MemoryLevel } = require('memory-level')`, `crc32 = require(…)`), so
 * the swaps are made just for that load and undone after it: any other user of either package gets it unchanged.
 * node_modules is never edited (CI installs it fresh); ADR 0057 is the precedent for a load-time substitution.
 */
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { crc32 as zlibCrc32 } from "node:zlib";

/** dynalite's options as this project passes them. */
export interface DynaliteOptions {
  /** LevelDB directory; in memory when absent. */
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without type declarations; its factory returns a plain http.Server whose
// close() also closes the store.
export type Dynalite = (options: DynaliteOptions) => Server;

type MemoryLevelClass = new (location?: unknown, options?: unknown) => object;

interface BufferCrc32 {
  (...args: unknown[]): unknown;
  unsigned(input: unknown, previous?: unknown): number;
}

const fromHere = createRequire(import.meta.url);

/** `require` as dynalite's own files resolve (the same for its index.js and its db/ directory). */
export function requireFromDynalite(): NodeJS.Require {
  return createRequire(fromHere.resolve("dynalite"));
}

/** memory-level's constructor with the string store as the default (an explicit `storeEncoding` still wins). */
function stringStore(MemoryLevel: MemoryLevelClass): MemoryLevelClass {
  return class StringStoreMemoryLevel extends MemoryLevel {
    constructor(location?: unknown, options?: unknown) {
      const given = typeof location === "object" && location !== null ? location : options;
      super({ storeEncoding: "utf8", ...(given as object | undefined) });
    }
  };
}

/** buffer-crc32 with `unsigned(text or bytes)` computed natively; every other call goes to buffer-crc32. */
function nativeCrc32(original: BufferCrc32): BufferCrc32 {
  const lean = ((...args: unknown[]) => original(...args)) as BufferCrc32;
  Object.assign(lean, original);
  lean.unsigned = (input, previous) =>
    previous === undefined && (typeof input === "string" || input instanceof Uint8Array)
      ? zlibCrc32(input)
      : original.unsigned(input, previous);
  return lean;
}

/**
 * dynalite's factory, loaded the first time with the lean store and checksum. If something loaded dynalite
 * before (outside this module), that copy is returned as it is: its answers are the same, only slower.
 */
export function loadDynalite(): Dynalite {
  const dynaliteRequire = requireFromDynalite();
  const entry = fromHere.resolve("dynalite");
  if (fromHere.cache[entry]) return fromHere("dynalite") as Dynalite;

  const memoryLevel = dynaliteRequire("memory-level") as { MemoryLevel: MemoryLevelClass };
  const crc32Path = dynaliteRequire.resolve("buffer-crc32");
  const original = dynaliteRequire(crc32Path) as BufferCrc32;
  const crc32Module = dynaliteRequire.cache[crc32Path];
  const OriginalMemoryLevel = memoryLevel.MemoryLevel;
  memoryLevel.MemoryLevel = stringStore(OriginalMemoryLevel);
  if (crc32Module) crc32Module.exports = nativeCrc32(original);
  try {
    return fromHere("dynalite") as Dynalite;
  } finally {
    memoryLevel.MemoryLevel = OriginalMemoryLevel;
    if (crc32Module) crc32Module.exports = original;
  }
}
