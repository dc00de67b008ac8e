/**
 * dynalite loaded with two of its dependencies swapped for leaner equivalents, for dynalite alone, and its sizes
 * measured as DynamoDB measures them (ADR 0101):
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
 * - Its measure of strings and attribute names is UTF-8 bytes, not UTF-16 code units (`val.length`): DynamoDB
 *   sizes strings and names in UTF-8 bytes for the 400 KB item limit, the 2,048 and 1,024 byte key limits and the
 *   capacity units an item consumes. dynalite's db module is compiled from its own source with those three
 *   measures edited (`UTF8_SIZES`) and everything else as published.
 *
 * - Its expression parsers remember each parse, so an expression seen before with the same names and the same
 *   kinds of values is not parsed again (ADR 0109, `dynamodb-expressions.ts`).
 * - Its request ids, key hash prefixes and request type checks do once what they did per request (ADR 0112,
 *   `dynamodb-request-path.ts`).
 *
 * dynalite reads all of them when it loads (`const { MemoryLevel } = require('memory-level')`, `crc32 = require(…)`), so
 * the swaps are made just for that load and undone after it: any other user of either package gets it unchanged.
 * node_modules is never edited (CI installs it fresh); ADR 0057 is the precedent for a load-time substitution.
 */
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire, Module } from "node:module";
import { dirname } from "node:path";
import { compileFunction } from "node:vm";
import { crc32 as zlibCrc32 } from "node:zlib";
import { PARSER_NAMES, type PegParser, parserFor } from "./dynamodb-expressions";
import { isAuditedSource, requestPathHelpers, withRequestPathEdits } from "./dynamodb-request-path";

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
 * The places dynalite 4's db/index.js measures a string in UTF-16 units, and the UTF-8 byte count DynamoDB uses
 * ("Item sizes and formats": "(number of UTF-8-encoded bytes of attribute name) + (number of UTF-8-encoded
 * bytes)"; "Constraints": key values in bytes). Each published text must occur exactly once.
 */
const UTF8_SIZES: ReadonlyArray<readonly [published: string, utf8: string]> = [
  // valSize: a string value, and through it each member of a string set and each string in a list or map.
  ["  case 'S':\n    return val.length\n", "  case 'S':\n    return Buffer.byteLength(val, 'utf8')\n"],
  // itemSize: an attribute name, at the top level and inside a map.
  ["(compress ? 1 : attr.length)", "(compress ? 1 : Buffer.byteLength(attr, 'utf8'))"],
  // checkKeySize: a string key value against the 2,048 (partition) and 1,024 (sort) byte limits.
  [
    "if (type == 'B') keyPiece = Buffer.from(keyPiece, 'base64')",
    "keyPiece = Buffer.from(keyPiece, type == 'B' ? 'base64' : 'utf8')",
  ],
];

/**
 * Puts one of dynalite's modules, compiled from `source`, in the module cache, where dynalite's requires of it
 * find it (`require('./db')`, the actions' `require('../db')`, …). Compiled as Node compiles a CommonJS file (the
 * same wrapper and arguments, plus `lean` for the request path's edits), so its own requires resolve as on disk.
 */
function cacheCompiled(filename: string, source: string): void {
  const module = new Module(filename);
  module.filename = filename;
  const cache = createRequire(filename).cache;
  // In the cache before it runs, as Node puts a module there before running it.
  cache[filename] = module;
  const wrapper = compileFunction(
    source,
    ["exports", "require", "module", "__filename", "__dirname", "lean"],
    {
      filename,
    },
  );
  try {
    wrapper.call(
      module.exports,
      module.exports,
      createRequire(filename),
      module,
      filename,
      dirname(filename),
      lean,
    );
  } catch (error) {
    delete cache[filename];
    throw error;
  }
  module.loaded = true;
}

/** What the request path's edits call (ADR 0112): one set per process, as dynalite is loaded once. */
const lean = requestPathHelpers();

/**
 * dynalite's db module with `UTF8_SIZES` applied (always: without them the stack would accept items DynamoDB
 * refuses) and the request path's edits (when its source is the audited one).
 */
function cacheDb(dynaliteRequire: NodeJS.Require): void {
  const filename = dynaliteRequire.resolve("./db");
  const published = readFileSync(filename, "utf8");
  let source = published;
  for (const [text, utf8] of UTF8_SIZES) {
    if (source.split(text).length !== 2) {
      throw new Error(`dynalite's ${filename} no longer reads ${JSON.stringify(text)} once (ADR 0101)`);
    }
    source = source.replace(text, utf8);
  }
  cacheCompiled(filename, withRequestPathEdits("db/index.js", published, source));
}

/** dynalite's entry and validations with the request path's edits, when their sources are the audited ones. */
function cacheRequestPath(dynaliteRequire: NodeJS.Require): void {
  // The validations first: the entry requires them as it runs.
  for (const file of ["validations/index.js", "index.js"] as const) {
    const filename = dynaliteRequire.resolve(`./${file}`);
    const published = readFileSync(filename, "utf8");
    if (isAuditedSource(file, published)) cacheCompiled(filename, withRequestPathEdits(file, published));
  }
}

/**
 * Puts dynalite's three expression parsers, each remembering its parses, in the module cache for dynalite's
 * validations to load (`require('../db/conditionParser')`, …); returns what puts the published modules back.
 */
function cacheRememberingParsers(dynaliteRequire: NodeJS.Require): () => void {
  const restores = PARSER_NAMES.map((name) => {
    const filename = dynaliteRequire.resolve(`./db/${name}`);
    const published = dynaliteRequire(filename) as PegParser;
    const original = dynaliteRequire.cache[filename];
    const module = new Module(filename);
    module.filename = filename;
    module.exports = parserFor(name, published, filename);
    module.loaded = true;
    dynaliteRequire.cache[filename] = module;
    return () => {
      dynaliteRequire.cache[filename] = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}

/** The factory loadDynalite made: dynalite is loaded once per process. */
let loaded: Dynalite | undefined;

/**
 * dynalite's factory, loaded the first time with the lean store and checksum, UTF-8 sizes and remembering parsers. A dynalite
 * loaded before, by anything else, is refused rather than returned: it would store Buffers and measure strings
 * in UTF-16 units, so the embedded stack would quietly accept items and keys DynamoDB refuses.
 */
export function loadDynalite(): Dynalite {
  if (loaded) return loaded;
  const dynaliteRequire = requireFromDynalite();
  const entry = fromHere.resolve("dynalite");
  if (fromHere.cache[entry]) {
    throw new Error(
      "dynalite was loaded before infra/local/dynamodb-store.ts loaded it: that copy measures strings in UTF-16 units, not UTF-8 bytes as DynamoDB does (ADR 0101); load dynalite only through loadDynalite()",
    );
  }

  const memoryLevel = dynaliteRequire("memory-level") as { MemoryLevel: MemoryLevelClass };
  const crc32Path = dynaliteRequire.resolve("buffer-crc32");
  const original = dynaliteRequire(crc32Path) as BufferCrc32;
  const crc32Module = dynaliteRequire.cache[crc32Path];
  const OriginalMemoryLevel = memoryLevel.MemoryLevel;
  memoryLevel.MemoryLevel = stringStore(OriginalMemoryLevel);
  if (crc32Module) crc32Module.exports = nativeCrc32(original);
  const restoreParsers = cacheRememberingParsers(dynaliteRequire);
  try {
    cacheDb(dynaliteRequire);
    cacheRequestPath(dynaliteRequire);
    loaded = fromHere("dynalite") as Dynalite;
    return loaded;
  } finally {
    memoryLevel.MemoryLevel = OriginalMemoryLevel;
    if (crc32Module) crc32Module.exports = original;
    restoreParsers();
  }
}
