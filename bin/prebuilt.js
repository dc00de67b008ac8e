/**
 * Runs a TypeScript entry (bin/start.ts for `npm start`) from a prebuilt artefact instead of compiling the
 * tree on every run (ADR 0076): esbuild bundles the entry and every Lambda handler the embedded stack loads
 * (functions/<name>/handler.ts) into modules with shared chunks, once, under
 * node_modules/.cache/contract-ops/prebuilt/<key>/, each rewritten as a CommonJS module and run by the artefact's
 * loader with a code cache written after the run (bin/artefact-loader.js, ADR 0120). The key is a hash of the
 * content of every source file the bundle was built from (as esbuild read it), package-lock.json, the entries and
 * the build's own settings; a run re-hashes the files the last build read and rebuilds when any differs, so an
 * artefact is never stale.
 *
 * Node runs this file directly, before any of the project's TypeScript can be loaded: it imports only node:
 * modules, esbuild and bin/artefact-build.js (both only to build) and the loader. It is JavaScript, its types in JSDoc (checked by tsc), because Node's type stripping
 * of a .ts entry costs every run about 0.1 s of CPU, compiling the stripper's WebAssembly first (ADR 0095).
 *
 *   node bin/prebuilt.js <entry.ts> [arguments of the entry…]
 */
// @ts-check
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import * as nodeModule from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { artefactLoader } from "./artefact-loader.js";

/** @typedef {import("esbuild").Plugin} Plugin */

/**
 * esbuild's version, part of every artefact's key, read from its package.json: the package itself (a CommonJS
 * module Node would parse for its exports) is loaded only when an artefact is built, not on every run.
 */
const esbuildVersion = /** @type {{ version: string }} */ (
  nodeModule.createRequire(import.meta.url)("esbuild/package.json")
).version;

/** Changes whenever the build settings below do, so an artefact built differently is never reused. */
const BUILD_SETTINGS_VERSION = "8";

/**
 * Packages left to Node: the CDK and its checks (loaded only to synthesize a template the run has not
 * cached, ADR 0050), esbuild itself, and the console's browser and graph-layout packages. Everything else a
 * run imports is bundled, so module code runs in the order of the source's imports (the X-Ray SDK's mode is
 * set before the SDK loads, functions/adapters/xray-mode.ts) and Node compiles one file per chunk, not
 * hundreds of CommonJS modules.
 */
const EXTERNAL_PACKAGES = [
  "aws-cdk-lib",
  "aws-cdk-lib/*",
  "constructs",
  "cdk-nag",
  "esbuild",
  "elkjs",
  "puppeteer-core",
  "@sparticuz/chromium",
];

/**
 * The Lambda handlers the embedded stack imports by path at run time (the template's function entries).
 * @param {string} repoRoot
 * @returns {string[]}
 */
export function handlerEntries(repoRoot) {
  return readdirSync(join(repoRoot, "functions"), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(repoRoot, "functions", entry.name, "handler.ts")),
    )
    .map((entry) => `functions/${entry.name}/handler.ts`);
}

/** V8's on-disk code cache for modules loaded after the call (Node ≥ 22.1); not declared by @types/node 20. */
const enableCompileCache = /** @type {{ enableCompileCache?: (directory: string) => unknown }} */ (nodeModule)
  .enableCompileCache;

/**
 * @typedef {object} PrebuiltOptions
 * @property {string} repoRoot The repository root: entries and inputs are relative to it.
 * @property {string[]} entries Entry files (relative paths) built into one artefact with shared chunks.
 * @property {string} [cacheDir] Where artefacts and their manifests are kept (default
 *   node_modules/.cache/contract-ops/prebuilt).
 */

/**
 * @typedef {object} Prebuilt
 * @property {string} dir The artefact's directory: each entry `x/y.ts` is `<dir>/x/y.js`.
 * @property {string} key
 * @property {boolean} built Whether this call built the artefact (false: an up-to-date one was reused).
 * @property {Map<string, string>} sources The content hash (SHA-256, hex) of each repository source the artefact
 *   was built from, by path relative to the root.
 */

/**
 * @typedef {object} Manifest
 * @property {string} key
 * @property {string[]} inputs The repository files the artefact was built from, relative to the root.
 */

/**
 * @param {string} repoRoot
 * @returns {string}
 */
function defaultCacheDir(repoRoot) {
  return join(repoRoot, "node_modules", ".cache", "contract-ops", "prebuilt");
}

/**
 * @param {string | Uint8Array} data
 * @returns {string}
 */
function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The key of an artefact from its inputs' content hashes (path → hash) and everything else that shapes it —
 * the repository's own path too: each module's import.meta.url names its source in that tree, so a cache
 * copied with node_modules into another checkout is rebuilt there rather than reaching back into the first.
 * @param {string} repoRoot
 * @param {string[]} entries
 * @param {Map<string, string>} inputHashes
 * @returns {string}
 */
function artefactKey(repoRoot, entries, inputHashes) {
  const hash = createHash("sha256");
  hash.update(
    `${BUILD_SETTINGS_VERSION}\0${esbuildVersion}\0${process.version}\0${repoRoot}\0${entries.join("\0")}\0`,
  );
  const lock = join(repoRoot, "package-lock.json");
  hash.update(existsSync(lock) ? readFileSync(lock) : "no lock");
  for (const path of [...inputHashes.keys()].sort()) hash.update(`\0${path}\0${inputHashes.get(path)}`);
  return hash.digest("hex").slice(0, 32);
}

/**
 * @param {string} cacheDir
 * @param {string[]} entries
 * @returns {string}
 */
function manifestPath(cacheDir, entries) {
  return join(cacheDir, `manifest-${sha256(entries.join("\0")).slice(0, 16)}.json`);
}

/**
 * @param {string} path
 * @returns {Manifest | undefined}
 */
function readManifest(path) {
  try {
    /** @type {unknown} */
    const value = JSON.parse(readFileSync(path, "utf8"));
    if (
      typeof value === "object" &&
      value !== null &&
      "key" in value &&
      typeof value.key === "string" &&
      "inputs" in value &&
      Array.isArray(value.inputs) &&
      value.inputs.every((/** @type {unknown} */ input) => typeof input === "string")
    )
      return { key: value.key, inputs: value.inputs };
  } catch (error) {
    // No build yet for these entries, or a manifest cut short: build afresh.
    if (errorCode(error) !== "ENOENT" && !(error instanceof SyntaxError)) throw error;
  }
  return undefined;
}

/**
 * A failed file-system call's code (ENOENT, …).
 * @param {unknown} error
 * @returns {unknown}
 */
function errorCode(error) {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

/**
 * The key the last build's inputs have now, with their hashes; undefined when one of them is gone.
 * @param {string} repoRoot
 * @param {string[]} entries
 * @param {Manifest} manifest
 * @returns {{ key: string, hashes: Map<string, string> } | undefined}
 */
function currentKey(repoRoot, entries, manifest) {
  /** @type {Map<string, string>} */
  const hashes = new Map();
  for (const input of manifest.inputs) {
    const path = join(repoRoot, input);
    if (!existsSync(path)) return undefined;
    hashes.set(input, sha256(readFileSync(path)));
  }
  return { key: artefactKey(repoRoot, entries, hashes), hashes };
}

/**
 * Reads each repository source for esbuild and notes its content hash, so the key is computed from exactly
 * what was bundled (a file edited during the build gives a key that the next run does not match). Each
 * module's `import.meta.url` stays its source file's URL: files beside the source (the calendar data, the
 * scenarios) and createRequire resolve as they do unbundled.
 * @param {string} repoRoot
 * @param {Map<string, string>} inputHashes
 * @param {typeof import("esbuild").transform} transform
 * @returns {Plugin}
 */
function sourcePlugin(repoRoot, inputHashes, transform) {
  return {
    name: "contract-ops-sources",
    setup(builder) {
      // The repository's JavaScript sources too (bin/artefact-loader.js, imported by bin/start.ts): an edit to
      // one must rebuild the artefact as an edit to a .ts source does.
      builder.onLoad({ filter: /\.(ts|js)$/ }, async (args) => {
        const path = relative(repoRoot, args.path);
        if (path.startsWith("node_modules/") || path.startsWith("../")) return undefined;
        const text = await readFile(args.path, "utf8");
        inputHashes.set(path, sha256(text));
        const loader = args.path.endsWith(".ts") ? "ts" : "js";
        if (!text.includes("import.meta")) return { contents: text, loader };
        const { code } = await transform(text, {
          loader,
          format: "esm",
          sourcefile: args.path,
          define: { "import.meta.url": JSON.stringify(pathToFileURL(args.path).href) },
        });
        return { contents: code, loader: "js" };
      });
    },
  };
}

/**
 * @param {string} repoRoot
 * @param {string[]} entries
 * @param {string} cacheDir
 * @returns {Promise<Prebuilt>}
 */
async function buildArtefact(repoRoot, entries, cacheDir) {
  const staging = join(cacheDir, `.staging-${process.pid}-${Date.now()}`);
  /** @type {Map<string, string>} */
  const inputHashes = new Map();
  // Loaded only to build, as esbuild is: a run that reuses its artefact needs neither.
  const { build, transform } = await import("esbuild");
  const {
    asCommonJs,
    builtinsByRequirePlugin,
    deferredLinkifyPlugin,
    dynamicBuiltinsByRequirePlugin,
    onDemandDataPlugin,
  } = await import("./artefact-build.js");
  const result = await build({
    entryPoints: entries,
    absWorkingDir: repoRoot,
    outbase: repoRoot,
    outdir: staging,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    mainFields: ["module", "main"],
    external: EXTERNAL_PACKAGES,
    // No banner giving these ES modules a `require`: each becomes a CommonJS module below, which has its own.
    chunkNames: "chunks/[name]-[hash]",
    // Node reads, decodes and compiles every byte of each chunk a run imports (about 8.5 MB unminified): without
    // comments and layout, and with esbuild's shorter equivalent syntax, it is about a quarter less (ADR 0106).
    // Names are kept as written (no minifyIdentifiers): stack traces, `Function.name` and error class names
    // read as in the sources.
    minifyWhitespace: true,
    minifySyntax: true,
    // For a debugger or NODE_OPTIONS=--enable-source-maps; not loaded otherwise.
    sourcemap: "linked",
    metafile: true,
    logLevel: "silent",
    plugins: [
      builtinsByRequirePlugin(),
      dynamicBuiltinsByRequirePlugin(),
      deferredLinkifyPlugin(),
      onDemandDataPlugin(),
      sourcePlugin(repoRoot, inputHashes, transform),
    ],
  }).catch((/** @type {unknown} */ error) => {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  });
  const esModules = Object.keys(result.metafile.outputs)
    .filter((path) => path.endsWith(".js"))
    .map((path) => join(repoRoot, path));
  await asCommonJs(build, staging, esModules).catch((/** @type {unknown} */ error) => {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  });
  // The artefact's modules are CommonJS, and say so, for a tool that loads one with Node's own require (ADR 0120).
  writeFileSync(join(staging, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
  const inputs = Object.keys(result.metafile.inputs).filter((path) => inputHashes.has(path));
  const key = artefactKey(repoRoot, entries, inputHashes);
  const dir = join(cacheDir, key);
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another run built the same artefact first: same key, same content; keep theirs.
    const code = errorCode(error);
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  markInUse(dir);
  const manifest = manifestPath(cacheDir, entries);
  const temporary = `${manifest}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(/** @type {Manifest} */ ({ key, inputs })));
  renameSync(temporary, manifest);
  removeOldArtefacts(cacheDir, key);
  return { dir, key, built: true, sources: inputHashes };
}

/**
 * Keeps the last four artefacts built (their keys, newest first, in `recent.json`) and any other a run started
 * from within the last hour (each run touches its artefact's directory: a long run, such as a ten-year
 * `bench:year`, imports handlers long after it started, while edits and other entries build newer artefacts),
 * and removes the others, and the staging directories of builds that died over an hour ago. Another run may be
 * cleaning up at the same time: a directory already gone is skipped.
 * @param {string} cacheDir
 * @param {string} key
 */
function removeOldArtefacts(cacheDir, key) {
  const recentPath = join(cacheDir, "recent.json");
  /** @type {unknown} */
  let before = [];
  try {
    before = JSON.parse(readFileSync(recentPath, "utf8"));
  } catch (error) {
    if (errorCode(error) !== "ENOENT" && !(error instanceof SyntaxError)) throw error;
  }
  const earlier = Array.isArray(before)
    ? before.filter(/** @returns {k is string} */ (/** @type {unknown} */ k) => typeof k === "string")
    : [];
  const recent = [key, ...earlier.filter((k) => k !== key)].slice(0, 4);
  const temporary = `${recentPath}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(recent));
  renameSync(temporary, recentPath);
  const hourAgo = Date.now() - 3_600_000;
  for (const entry of readdirSync(cacheDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(cacheDir, entry.name);
    const abandoned =
      entry.name.startsWith(".staging-") &&
      (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) < hourAgo;
    const unused =
      !entry.name.startsWith(".") &&
      !recent.includes(entry.name) &&
      (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) < hourAgo;
    if (abandoned || unused) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Notes that a run starts from this artefact now (its directory's modification time), so it is kept a while.
 * @param {string} dir
 */
function markInUse(dir) {
  const now = new Date();
  utimesSync(dir, now, now);
}

/**
 * The up-to-date artefact of these entries: reused when every input it was built from is unchanged.
 * @param {PrebuiltOptions} options
 * @returns {Promise<Prebuilt>}
 */
export async function prebuilt(options) {
  const repoRoot = resolve(options.repoRoot);
  const cacheDir = options.cacheDir ?? defaultCacheDir(repoRoot);
  const entries = [...new Set(options.entries)].sort();
  mkdirSync(cacheDir, { recursive: true });
  const manifest = readManifest(manifestPath(cacheDir, entries));
  if (manifest !== undefined) {
    const current = currentKey(repoRoot, entries, manifest);
    const dir = join(cacheDir, manifest.key);
    if (current?.key === manifest.key && existsSync(dir)) {
      markInUse(dir);
      return { dir, key: current.key, built: false, sources: current.hashes };
    }
  }
  return buildArtefact(repoRoot, entries, cacheDir);
}

/**
 * The built module of a repository source file, or undefined when the file is not inside the repository.
 * @param {string} repoRoot
 * @param {string} dir
 * @param {string} sourcePath
 * @returns {string | undefined}
 */
export function artefactModule(repoRoot, dir, sourcePath) {
  const path = relative(resolve(repoRoot), sourcePath);
  if (path.startsWith("..") || path.startsWith("node_modules/")) return undefined;
  return join(dir, path.replace(/\.ts$/, ".js"));
}

/**
 * Runs an entry of the artefact through the artefact's loader (bin/artefact-loader.js), and writes the loader's
 * code caches when the process ends. The embedded stack imports each handler by its source path (the template's
 * function entry), which must be the bundled module sharing the run's chunks (one aws-config, one set of client
 * hooks): the loader answers it from the artefact, and a source the artefact lacks is an error, not a silent
 * second copy.
 * @param {string} repoRoot
 * @param {string} dir
 * @param {string} entryPath The entry's source path.
 */
export function runFromArtefact(repoRoot, dir, entryPath) {
  const loader = artefactLoader({
    dir,
    moduleOf: (sourcePath) => {
      const built = artefactModule(repoRoot, dir, sourcePath);
      if (built !== undefined && !existsSync(built))
        throw new Error(`${relative(repoRoot, sourcePath)} is not in the prebuilt artefact`);
      return built;
    },
  });
  process.on("exit", () => loader.writeCaches());
  const built = artefactModule(repoRoot, dir, entryPath);
  if (built === undefined) throw new Error(`${entryPath} is not inside ${repoRoot}`);
  return loader.require(built);
}

async function main() {
  const [entry] = process.argv.slice(2);
  if (entry === undefined || !entry.endsWith(".ts")) {
    process.stderr.write("usage: node bin/prebuilt.js <entry.ts> [arguments…]\n");
    process.exitCode = 2;
    return;
  }
  const repoRoot = fileURLToPath(new URL("../", import.meta.url));
  // The packages left external (esbuild, the CDK when a template is synthesized) compiled once, not on every run
  // (ADR 0078): Node keys each cached compilation by the module's path and content. The artefact's own modules
  // have the loader's cache instead, which holds the functions a run compiled too (ADR 0120).
  enableCompileCache?.(join(repoRoot, "node_modules", ".cache", "contract-ops", "v8-compile-cache"));
  const entryPath = resolve(entry);
  const artefact = await prebuilt({
    repoRoot,
    entries: [relative(repoRoot, entryPath), ...handlerEntries(repoRoot)],
  });
  // zod interprets its schemas instead of compiling each object schema to a function on its first parse: a
  // run builds about 210 object schemas and parses most only a few times, so compiling them cost more than
  // it saved (ADR 0095). zod reads this shared setting when it loads, from whichever copy (zod's
  // GlobalThisWithConfig); set before the artefact's bundled copy loads, it applies to every schema.
  /** @type {{ __zod_globalConfig?: { jitless?: boolean } }} */ (globalThis).__zod_globalConfig ??= {
    jitless: true,
  };
  // What the running code was built from, for caches of what that code produces (the generated usage, ADR 0098):
  // a source edited after this point is not what runs, and such a cache must not file its output under the edit.
  /** @type {{ __contractOpsBuiltSources?: ReadonlyMap<string, string> }} */ (
    globalThis
  ).__contractOpsBuiltSources = artefact.sources;
  // The entry parses process.argv as if Node had run it: [node, entry, its own arguments…].
  process.argv.splice(1, 2, entryPath);
  runFromArtefact(repoRoot, artefact.dir, entryPath);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
