/**
 * Runs the prebuilt artefact's CommonJS modules (bin/prebuilt.js) with a V8 code cache written after a run, so
 * the functions a run calls are not parsed and compiled again on the next one (ADR 0120). Node's own compile
 * cache keeps only each module's top-level code: V8 compiles a function when it is first called, and a cache
 * Node writes when the module is compiled holds none of them — every run compiled its thousands of functions
 * afresh. A `vm.Script`'s cache can be written after the script has run (`createCachedData()`), and then holds
 * every function compiled so far.
 *
 * Each module of the artefact is compiled here as Node compiles a CommonJS module (the same wrapper and
 * arguments), once, with its cache when there is one. `require` of another module of the artefact (a relative
 * path) or of a repository source by file URL (the embedded stack imports each handler by its source path) is
 * answered from the artefact; anything else (Node's built-ins, the packages left external, data files) by
 * Node's `require`. A cache is written when a run that says it is representative ends cleanly (see
 * `markRunRepresentative`), for each module that had none or whose cache V8 rejected (another Node, other
 * flags): a refused command line or a failed run leaves no partial cache behind.
 *
 * Node runs this file directly, before any of the project's TypeScript can be loaded: it imports only node:
 * modules, and is JavaScript with its types in JSDoc, like bin/prebuilt.js.
 */
// @ts-check
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/** The first line's opening: Node's CommonJS wrapper. */
export const WRAPPER = "(function (exports, require, module, __filename, __dirname) {";

/** The global an entry sets (`markRunRepresentative`) when its run is one whose compiled code is worth keeping. */
const REPRESENTATIVE = "__contractOpsRepresentativeRun";

/**
 * Called by an entry once its run has done the work later runs repeat (a year played to its end): only then
 * does the loader write the code caches, at the process's exit.
 */
export function markRunRepresentative() {
  /** @type {Record<string, unknown>} */ (globalThis)[REPRESENTATIVE] = true;
}

/**
 * @typedef {object} ArtefactLoaderOptions
 * @property {string} dir The artefact's directory.
 * @property {(sourcePath: string) => string | undefined} moduleOf The artefact's module of a repository source.
 */

/**
 * @typedef {object} LoadedModule
 * @property {Record<string, unknown>} exports
 * @property {string} id
 * @property {string} filename
 * @property {boolean} loaded
 */

/**
 * Where a module's code cache is kept: under the artefact (removed with it), per Node version and V8 flags,
 * which V8 checks too (a cache made under other flags is rejected, and rewritten under its own key here).
 * @param {string} dir
 * @param {readonly string[]} [execArgv] The Node flags of the process that runs the artefact (this one's by default).
 * @returns {string}
 */
export function codeCacheDir(dir, execArgv = process.execArgv) {
  const flags = createHash("sha256")
    .update(`${process.version}\0${process.arch}\0${execArgv.join("\0")}`)
    .digest("hex")
    .slice(0, 16);
  return join(dir, ".code-cache", flags);
}

/**
 * A loader of the artefact's modules; `require(path)` loads the module at that path and returns its exports.
 * @param {ArtefactLoaderOptions} options
 */
export function artefactLoader({ dir, moduleOf }) {
  const cacheDir = codeCacheDir(dir);
  /** @type {Map<string, LoadedModule>} */
  const modules = new Map();
  /** @type {Array<{ script: Script, cachePath: string }>} */
  const uncached = [];
  const prefix = `${dir}${sep}`;

  /**
   * @param {string} filename
   * @returns {LoadedModule}
   */
  function load(filename) {
    const known = modules.get(filename);
    if (known !== undefined) return known;
    const source = readFileSync(filename, "utf8");
    if (process.sourceMapsEnabled) return loadMapped(filename, source);
    const cachePath = join(cacheDir, `${relative(dir, filename)}.v8`);
    /** @type {Buffer | undefined} */
    let cachedData;
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      cachedData = undefined;
    }
    // Node's CommonJS wrapper: the same five arguments, so a module runs here as it would under require(). It
    // opens the first line, so that line's columns are counted from after it, as in the file.
    const script = new Script(`${WRAPPER}${source}\n})`, {
      filename,
      columnOffset: -WRAPPER.length,
      ...(cachedData === undefined ? {} : { cachedData }),
    });
    if (cachedData === undefined || script.cachedDataRejected === true) uncached.push({ script, cachePath });
    /** @type {LoadedModule} */
    const module = { exports: {}, id: filename, filename, loaded: false };
    // Set before the module runs, as Node does: a module required again while it loads gets its exports so far.
    modules.set(filename, module);
    const wrapper = /** @type {(...args: unknown[]) => void} */ (script.runInThisContext());
    wrapper.call(module.exports, module.exports, requireFrom(filename), module, filename, dirname(filename));
    module.loaded = true;
    return module;
  }

  /**
   * A module compiled by Node's own CommonJS loader, for a process run with source maps on
   * (`--enable-source-maps`): Node maps the stack traces of what it compiles itself, not of a `vm.Script`. No code
   * cache then; the module is given the loader's `require` all the same.
   * @param {string} filename
   * @param {string} source
   * @returns {LoadedModule}
   */
  function loadMapped(filename, source) {
    const module =
      /** @type {Module & LoadedModule & { _compile(source: string, filename: string): void }} */ (
        new Module(filename)
      );
    module.filename = filename;
    module.paths = /** @type {{ _nodeModulePaths(dir: string): string[] }} */ (
      /** @type {unknown} */ (Module)
    )._nodeModulePaths(dirname(filename));
    module.require = /** @type {NodeJS.Require} */ (/** @type {unknown} */ (requireFrom(filename)));
    modules.set(filename, module);
    module._compile(source, filename);
    module.loaded = true;
    return module;
  }

  /**
   * The `require` a module of the artefact is given.
   * @param {string} filename
   */
  function requireFrom(filename) {
    const nodeRequire = createRequire(filename);
    /** @param {string} id */
    const require = (id) => {
      if (id.startsWith("./") || id.startsWith("../")) {
        const path = join(dirname(filename), id);
        if (path.startsWith(prefix) && path.endsWith(".js")) return load(path).exports;
      } else if (id.startsWith("file:") && id.endsWith(".ts")) {
        const sourcePath = fileURLToPath(id);
        const built = moduleOf(sourcePath);
        if (built !== undefined) return load(built).exports;
      }
      return nodeRequire(id);
    };
    require.resolve = nodeRequire.resolve;
    require.cache = nodeRequire.cache;
    return require;
  }

  function writeCaches() {
    if (/** @type {Record<string, unknown>} */ (globalThis)[REPRESENTATIVE] !== true) return;
    if (process.exitCode !== undefined && process.exitCode !== 0) return;
    for (const { script, cachePath } of uncached.splice(0)) {
      // Written whole under a temporary name, then renamed: a concurrent run reads the old cache or the new.
      const temporary = `${cachePath}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(cachePath), { recursive: true });
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cachePath);
      } catch (error) {
        // The cache only saves time: a run that has done its work does not fail for want of a place to keep it
        // (a read-only tree, a full disk). It says so once, and the next run compiles from source.
        try {
          rmSync(temporary, { force: true });
        } catch {
          // Nothing was written, or nothing can be removed where nothing could be written.
        }
        process.stderr.write(
          `note: the compiled code was not kept (${/** @type {Error} */ (error).message}); the next run compiles it again\n`,
        );
        return;
      }
    }
  }

  return {
    /** @param {string} filename */
    require: (filename) => load(filename).exports,
    /** Writes the caches this run earned (see `markRunRepresentative`); called at the process's exit. */
    writeCaches,
  };
}
