/**
 * Generated usage kept between runs (ADR 0098): a month's bytes depend only on the generator's code, the
 * contract and the month's seed and volumes, so `npm start` reads them back from
 * node_modules/.cache/contract-ops/usage/ instead of generating twelve months again on every run.
 *
 * The cache is never stale because its keys are taken from everything the bytes are made of, as the prebuilt
 * artefact's are (ADR 0076): the directory is named by a hash of the content of the generator's source and every
 * repository module it imports for its code (followed through imports and re-exports; type-only imports emit
 * nothing), package-lock.json and the Node version; each entry by a hash of the whole contract, the period, the
 * seed and the volumes. An edit to any of those files, or another seed, names another entry.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as z from "zod";
import { generateUsageContent, type UsageContent, type UsageContentOptions } from "./usage-generator";

/** The repository this module belongs to (its source's own URL, also inside the prebuilt artefact). */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const GENERATOR_SOURCE = join(REPO_ROOT, "infra/local/usage-generator.ts");

/** Changes whenever the entry format below does, so an entry written differently is never read. */
const FORMAT_VERSION = "1";

/** Entries kept per generator version: a year of the sample scenario four times over. */
const MAX_ENTRIES = 48;

export function defaultUsageCacheDir(repoRoot: string = REPO_ROOT): string {
  return join(repoRoot, "node_modules", ".cache", "contract-ops", "usage");
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/**
 * Relative modules a source's code imports: `import … from`, `export … from`, bare `import "…"` and
 * `import("…")`; `import type` and `export type` are left out.
 */
function codeImports(text: string): string[] {
  const found: string[] = [];
  const pattern =
    /(?:^|[;\n])\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)["']|\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[1] ?? match[2];
    if (specifier !== undefined) found.push(specifier);
  }
  return found;
}

/** The file a relative specifier names, as the bundler resolves it (a data file, such as JSON, included). */
function resolveSource(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidates = [`${base}.ts`, join(base, "index.ts"), base.replace(/\.js$/, ".ts"), base];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  if (found === undefined)
    throw new Error(`${relative(REPO_ROOT, from)} imports ${specifier}, which is not there`);
  return found;
}

/**
 * The content hashes of the sources the running code was built from (path relative to the repository → SHA-256),
 * which `bin/prebuilt.js` leaves for the run; undefined when the code runs from its sources (tests, tsx).
 */
function builtSources(): ReadonlyMap<string, string> | undefined {
  const value: unknown = Reflect.get(globalThis, "__contractOpsBuiltSources");
  return value instanceof Map ? value : undefined;
}

/**
 * The hash of a generator's code: the content of `entry` and of every repository module its code imports,
 * transitively, with package-lock.json (the packages it may use) and the Node version (its Date and string
 * behaviour). Undefined when a source on disk is not what the running code was built from (`built`): it was
 * edited since the run started, and the bytes this run generates are not that source's.
 */
export async function generatorKey(
  entry: string = GENERATOR_SOURCE,
  repoRoot: string = REPO_ROOT,
  built: ReadonlyMap<string, string> | undefined = builtSources(),
): Promise<string | undefined> {
  const contents = new Map<string, string>();
  const pending = [resolve(entry)];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (contents.has(path)) continue;
    const text = await readFile(path, "utf8");
    const builtHash = built?.get(relative(repoRoot, path));
    if (builtHash !== undefined && builtHash !== sha256(text)) return undefined;
    contents.set(path, text);
    // A data file's content is hashed; only modules import further.
    if (!path.endsWith(".ts")) continue;
    for (const specifier of codeImports(text)) pending.push(resolveSource(path, specifier));
  }
  const hash = createHash("sha256");
  hash.update(`${FORMAT_VERSION}\0${process.version}\0`);
  const lock = join(repoRoot, "package-lock.json");
  hash.update(existsSync(lock) ? await readFile(lock) : "no lock");
  for (const path of [...contents.keys()].sort()) {
    hash.update(`\0${relative(repoRoot, path)}\0${sha256(contents.get(path) ?? "")}`);
  }
  return hash.digest("hex").slice(0, 32);
}

/** Money in a contract is bigint fen: written with its type, so 1n and "1" never share a key. */
const stableJson = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? { bigint: v.toString() } : v));

function entryKey(options: UsageContentOptions): string {
  const { contract, period, seed, voiceCalls, smsMessages } = options;
  return sha256(stableJson({ contract, period, seed, voiceCalls, smsMessages })).slice(0, 32);
}

/** The first line of an entry; the voice file's bytes follow it, then the SMS file's. */
const EntryHeader = z.strictObject({
  voiceLength: z.number().int().nonnegative(),
  smsLength: z.number().int().nonnegative(),
  voiceRows: z.number().int().nonnegative(),
  smsRows: z.number().int().nonnegative(),
  voiceMalformed: z.number().int().nonnegative(),
  smsMalformed: z.number().int().nonnegative(),
});

function parseEntry(bytes: Buffer): UsageContent | undefined {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return undefined;
  let header: z.infer<typeof EntryHeader>;
  try {
    header = EntryHeader.parse(JSON.parse(bytes.subarray(0, newline).toString("utf8")));
  } catch {
    return undefined;
  }
  const { voiceLength, smsLength, ...counts } = header;
  const voiceStart = newline + 1;
  if (bytes.length !== voiceStart + voiceLength + smsLength) return undefined;
  return {
    ...counts,
    voice: bytes.subarray(voiceStart, voiceStart + voiceLength),
    sms: bytes.subarray(voiceStart + voiceLength),
  };
}

function entryBytes(content: UsageContent): Buffer {
  const { voice, sms, voiceRows, smsRows, voiceMalformed, smsMalformed } = content;
  const header = {
    voiceLength: voice.length,
    smsLength: sms.length,
    voiceRows,
    smsRows,
    voiceMalformed,
    smsMalformed,
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), voice, sms]);
}

const errorCode = (error: unknown) =>
  typeof error === "object" && error !== null && "code" in error ? error.code : undefined;

/**
 * Keeps the directory of this generator version only, and its newest entries. Another run may be cleaning up
 * at the same time: whatever is already gone is skipped.
 */
async function prune(cacheDir: string, keep: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    if (name !== keep) await rm(join(cacheDir, name), { recursive: true, force: true });
  }
  const dir = join(cacheDir, keep);
  const entries = [];
  for (const name of await readdir(dir)) {
    const modified = await stat(join(dir, name)).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (modified !== undefined) entries.push({ name, modified });
  }
  entries.sort((a, b) => b.modified - a.modified);
  for (const { name } of entries.slice(MAX_ENTRIES)) await rm(join(dir, name), { force: true });
}

export interface UsageCache {
  /** A month's usage: read back when this generator made it before, generated (and kept) otherwise. */
  content(options: UsageContentOptions): Promise<UsageContent>;
}

/**
 * A cache of generated usage in `cacheDir` for the generator whose source is `generator` (by default the one
 * `generateUsageContent` comes from; tests name a copy). Entries are written whole under a temporary name and
 * renamed, so a run that stops mid-write or a concurrent run never reads half an entry.
 */
export async function usageCache(
  cacheDir: string,
  generator: { entry: string; repoRoot: string; built?: ReadonlyMap<string, string> } = {
    entry: GENERATOR_SOURCE,
    repoRoot: REPO_ROOT,
    built: builtSources(),
  },
): Promise<UsageCache> {
  const version = await generatorKey(generator.entry, generator.repoRoot, generator.built);
  // The generator changed on disk while this run's code was built from it: generate, keep nothing.
  if (version === undefined) return { content: async (options) => generateUsageContent(options) };
  const dir = join(cacheDir, version);
  let pruned = false;
  return {
    async content(options) {
      const path = join(dir, `${entryKey(options)}.usage`);
      const cached = await readFile(path).then(parseEntry, (error: unknown) => {
        if (errorCode(error) === "ENOENT") return undefined;
        throw error;
      });
      if (cached !== undefined) return cached;
      const content = generateUsageContent(options);
      const temporary = `${path}.${process.pid}.tmp`;
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(temporary, entryBytes(content));
        await rename(temporary, path);
      } catch (error) {
        // A concurrent run of another generator version pruned this directory: this month stays uncached.
        if (errorCode(error) !== "ENOENT") throw error;
        return content;
      }
      if (!pruned) {
        pruned = true;
        await prune(cacheDir, version);
      }
      return content;
    },
  };
}
