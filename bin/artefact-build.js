/**
 * How the prebuilt artefact's modules are made (bin/prebuilt.js builds it): the esbuild plugins that shape what
 * the bundle holds, and the pass that rewrites each module esbuild wrote as CommonJS for the artefact's loader
 * (bin/artefact-loader.js, ADR 0120). A change here changes what is built: bump bin/prebuilt.js's
 * BUILD_SETTINGS_VERSION with it, so no artefact built before is reused.
 *
 * JavaScript with JSDoc types, loaded by Node directly, like bin/prebuilt.js.
 */
// @ts-check
import { readdirSync, renameSync, rmSync } from "node:fs";
import * as nodeModule from "node:module";
import { join, resolve } from "node:path";

/** @typedef {import("esbuild").Plugin} Plugin */

/**
 * Hands the bundle's static imports of Node's built-in modules (`import … from "node:http"`) to `require` (the
 * module's own, once it is CommonJS): Node answers an ES module's import of a built-in with a facade that reads every export, and reading
 * node:http's `WebSocket` loads Node's bundled undici, with node:crypto's `webcrypto` its Web Crypto, which a run
 * never uses (ADR 0103). Each built-in becomes a one-line CommonJS module of the bundle; esbuild's interop gives
 * named, default and namespace imports what Node's facade gives: the module's exports, default the whole object.
 * @returns {Plugin}
 */
export function builtinsByRequirePlugin() {
  const namespace = "contract-ops-builtin";
  return {
    name: "contract-ops-builtins-by-require",
    setup(builder) {
      builder.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
        args.kind === "import-statement" && nodeModule.isBuiltin(args.path)
          ? { path: args.path, namespace }
          : undefined,
      );
      builder.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/**
 * Exports of a built-in module that Node defines as getters loading its bundled undici when read: node:http's
 * WebSocket and its events. Node's ES module facade of the built-in reads every export when it is built.
 */
const UNDICI_EXPORTS = new Map([["node:http", ["WebSocket", "CloseEvent", "MessageEvent"]]]);

/**
 * Hands the bundle's dynamic imports of node:http (the SDK's `await import("node:http")`, in its HTTP handler
 * and its instance-metadata client) to `require` too, for the reason above: the facade Node builds for the
 * import reads node:http's `WebSocket`, which loads Node's bundled undici (ADR 0115). Each becomes an ES module of
 * the bundle exporting what Node's facade exports, listed when the artefact is built (its key names the Node
 * version) and read at its import as the facade reads them: default the whole object, and every named export
 * but the undici ones (UNDICI_EXPORTS), which a caller still reads through `default` when it needs them.
 * @returns {Plugin}
 */
export function dynamicBuiltinsByRequirePlugin() {
  const namespace = "contract-ops-dynamic-builtin";
  return {
    name: "contract-ops-dynamic-builtins-by-require",
    setup(builder) {
      builder.onResolve({ filter: /^(node:)?http$/ }, (args) =>
        args.kind === "dynamic-import"
          ? { path: `node:${args.path.replace(/^node:/, "")}`, namespace }
          : undefined,
      );
      builder.onLoad({ filter: /.*/, namespace }, (args) => {
        const skipped = UNDICI_EXPORTS.get(args.path) ?? [];
        const named = Object.keys(nodeModule.createRequire(import.meta.url)(args.path)).filter(
          (name) => !skipped.includes(name) && name !== "default" && /^[A-Za-z_$][\w$]*$/.test(name),
        );
        return {
          contents: [
            `const builtin = require(${JSON.stringify(args.path)});`,
            "export default builtin;",
            `export const { ${named.join(", ")} } = builtin;`,
          ].join("\n"),
          loader: "js",
        };
      });
    },
  };
}

/**
 * The linkify-it instance mailparser builds when it loads — from the full list of top-level domains, about
 * 20–45 ms of a run's CPU — serves only `textAsHtml`, the HTML version of a plain-text message, which the
 * embedded SMTP server skips and the console never reads (ADR 0115). mailparser is given a stand-in, as the
 * SES emulator is given handlebars (ADR 0103): `linkifyIt()` returns an object that notes the configuring calls
 * mailparser makes at load (`tlds`, `add`, `set`, each returning the object for the next) and builds the real
 * instance, replaying them in order, the first time anything else is asked of it (`pretest`, `match`).
 */
const DEFERRED_LINKIFY = `import linkifyIt from "linkify-it";
const CONFIGURING = new Set(["tlds", "add", "set"]);
export default function deferredLinkifyIt(...args) {
  const steps = [];
  let real;
  const built = () => {
    if (real === undefined) {
      real = linkifyIt(...args);
      for (const [method, stepArgs] of steps) real[method](...stepArgs);
    }
    return real;
  };
  const stand = new Proxy({}, {
    get(_target, key) {
      if (real === undefined && CONFIGURING.has(key))
        return (...stepArgs) => {
          steps.push([key, stepArgs]);
          return stand;
        };
      const value = built()[key];
      return typeof value === "function" ? value.bind(real) : value;
    },
    set(_target, key, value) {
      built()[key] = value;
      return true;
    },
  });
  return stand;
}
`;

/**
 * Gives mailparser the deferred linkify-it (DEFERRED_LINKIFY); the stand-in imports the real package.
 * @returns {Plugin}
 */
export function deferredLinkifyPlugin() {
  const namespace = "contract-ops-deferred-linkify";
  return {
    name: "contract-ops-deferred-linkify",
    setup(builder) {
      builder.onResolve({ filter: /^linkify-it$/ }, (args) =>
        args.namespace !== namespace && /[\\/]node_modules[\\/]mailparser[\\/]/.test(args.importer)
          ? { path: args.resolveDir, namespace }
          : undefined,
      );
      builder.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: DEFERRED_LINKIFY,
        resolveDir: args.path,
        loader: "js",
      }));
    },
  };
}

/**
 * Data files a package requires only when a caller asks for them, left on disk and required from there by Node
 * at that moment (ADR 0106): iconv-lite's double-byte charset tables (GBK, Big5, Shift_JIS, EUC-KR, …), each
 * loaded when a codec for its charset is first made. A run makes only the GBK one (libmime, when it loads).
 * Bundled, every run read and scanned all of them, about 0.4 MB of the artefact.
 */
const ON_DEMAND_DATA = [/\/node_modules\/iconv-lite\/encodings\/tables\/[^/]+\.json$/];

/**
 * Leaves each on-demand data file (ON_DEMAND_DATA) out of the bundle: its `require` stays a `require` of the
 * file's absolute path, which the module's `require` answers when the package first asks for it. The path is
 * this tree's own, and the key names the tree and its package-lock.json, so the file is the one that was built against.
 * @returns {Plugin}
 */
export function onDemandDataPlugin() {
  return {
    name: "contract-ops-on-demand-data",
    setup(builder) {
      builder.onResolve({ filter: /\.json$/ }, (args) => {
        if (args.kind !== "require-call" || !args.importer.includes("/node_modules/")) return undefined;
        const path = resolve(args.resolveDir, args.path);
        return ON_DEMAND_DATA.some((pattern) => pattern.test(path)) ? { path, external: true } : undefined;
      });
    },
  };
}

/**
 * Rewrites each ES module esbuild wrote (with its code split into shared chunks, which esbuild does only for ES
 * modules) as a CommonJS module in place, its source map carried through: the loader runs CommonJS modules with
 * a code cache written after the run, which Node does not allow for an ES module (ADR 0120). Every `import()`
 * becomes a `require` within a promise, so an import of another module of the artefact, or of a handler by its
 * source's URL, is answered by the loader too. An entry awaiting at its top level cannot be CommonJS: the build
 * fails, naming it.
 * @param {typeof import("esbuild").build} build
 * @param {string} staging
 * @param {string[]} esModules Absolute paths of the ES modules written into `staging`.
 */
export async function asCommonJs(build, staging, esModules) {
  const converted = `${staging}.cjs`;
  try {
    await build({
      entryPoints: esModules,
      outbase: staging,
      outdir: converted,
      bundle: false,
      format: "cjs",
      platform: "node",
      target: "node20",
      supported: { "dynamic-import": false },
      minifyWhitespace: true,
      sourcemap: "linked",
      logLevel: "silent",
    });
  } catch (error) {
    rmSync(converted, { recursive: true, force: true });
    const errors = /** @type {{ errors?: Array<{ text: string, location?: { file: string } | null }> }} */ (
      error
    ).errors;
    if (errors === undefined) throw error;
    throw new Error(
      `the artefact cannot run as CommonJS: ${errors.map((e) => `${e.location?.file ?? "?"}: ${e.text}`).join("; ")}`,
    );
  }
  for (const file of readdirSync(converted, { recursive: true, encoding: "utf8" })) {
    if (file.endsWith(".js") || file.endsWith(".js.map"))
      renameSync(join(converted, file), join(staging, file));
  }
  rmSync(converted, { recursive: true, force: true });
}
