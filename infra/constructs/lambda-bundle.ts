/**
 * How every Lambda bundle is built (ADR 0080): esbuild's API rather than the esbuild command line
 * `NodejsFunction` runs, because only the API takes plugins, and a plugin is the one way to leave out
 * code that dependencies reach by relative import and no handler ever runs. `cdk synth` calls this
 * through ./lambda-bundle-cli.ts (CDK's local bundling is synchronous, plugins need the async API);
 * `npm run bench:cold-start` calls it directly, so the bench times the very bundles the stack ships.
 */
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";
import * as z from "zod";
import { calledOperations, declaredErrors, withOnlyErrors } from "./sdk-errors";

/** What Lambda bundles use in place of `zod` (functions/adapters/zod-bundle.ts, ADR 0045). */
export const ZOD_BUNDLE_MODULE = "functions/adapters/zod-bundle.ts";

/** What Lambda bundles use in place of @aws-sdk/credential-provider-node (see `alias` below). */
export const LAMBDA_CREDENTIALS_MODULE = "functions/adapters/lambda-credentials.ts";

/** The esbuild settings every Lambda bundle is built with. */
export const LAMBDA_BUNDLE = {
  target: "node22",
  // Bundle the SDK too: a pinned, tree-shaken SDK instead of whatever the runtime ships, and a bundle
  // imports in a quarter to a half of the time of one that loads the SDK from node_modules, as the
  // runtime's would be loaded (ADR 0046 measured both). The STS client
  // is the one exception: only operator commands load it (functions/adapters/operator-identity.ts), never
  // a handler, so it stays out of every bundle.
  externalModules: ["@aws-sdk/client-sts"],
  // Lambda always puts the function role's credentials in the environment (AWS_ACCESS_KEY_ID,
  // AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN): the SDK's default chain of SSO, profile, process,
  // web-identity and instance-metadata providers (about 90 KB minified) is replaced by the environment
  // provider alone. Paths are relative to the project root.
  alias: {
    "@aws-sdk/credential-provider-node": LAMBDA_CREDENTIALS_MODULE,
    // zod with a lean `z` for the Powertools Parser's `{ z }` import (ADR 0045).
    zod: ZOD_BUNDLE_MODULE,
  },
  mainFields: ["module", "main"],
  // CommonJS dependencies call require() on Node built-ins inside an ESM bundle.
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
} as const;

/** The message of every part left out of a bundle, should anything ever reach it. */
const LEFT_OUT = "left out of the Lambda bundle (ADR 0080)";

/** The function of a stand-in module that refuses (see `refusingModule`). */
const LEFT_OUT_FUNCTION = "__leftOutOfTheBundle";

/** A module whose every named export refuses when called: it keeps the importer's bindings resolvable. */
function refusingModule(what: string, names: readonly string[], factories: readonly string[] = []): string {
  // A name no module it is appended to uses (withoutJsonSchemaProcessors, the event-streams stand-in).
  const refuse = LEFT_OUT_FUNCTION;
  return [
    // A function, not an arrow: `new` of a left-out class refuses too.
    `const ${refuse} = function () { throw new Error(${JSON.stringify(`${what}: ${LEFT_OUT}`)}); };`,
    ...names.map((name) => `export const ${name} = ${refuse};`),
    // Called while a schema is built; what they return is the method, which refuses when called.
    ...factories.map((name) => `export const ${name} = () => ${refuse};`),
  ].join("\n");
}

/** Where zod's json-schema-processors.js passes from check aggregation to the JSON Schema processors. */
const ZOD_PROCESSORS_START = "// ==================== SIMPLE TYPE PROCESSORS";

/**
 * zod's json-schema-processors.js up to its processors, whose exports then refuse. A zod whose file no
 * longer has the marker fails the build instead of shipping something unknown.
 */
export function withoutJsonSchemaProcessors(source: string): string {
  const start = source.indexOf(ZOD_PROCESSORS_START);
  if (start < 0) throw new Error(`zod's json-schema-processors.js has no "${ZOD_PROCESSORS_START}" line`);
  const processors = [...source.slice(start).matchAll(/^export (?:const|function) (\w+)/gm)].map(
    (match) => match[1] ?? "",
  );
  return `${source.slice(0, start)}\n${refusingModule("zod JSON Schema generation", processors)}`;
}

/**
 * An SDK schemas module with each computed key that names a string constant of the module (`[_h]:`)
 * written as that string (`["http"]:`), the same object to JavaScript and pure to esbuild.
 */
export function withLiteralTraitKeys(source: string): string {
  const constants = new Map(
    [...source.matchAll(/^const (_\w+) = ("(?:[^"\\]|\\.)*");$/gm)].map((match) => [match[1], match[2]]),
  );
  return source.replaceAll(/\[(_\w+)\]:/g, (key, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? key : `[${literal}]:`;
  });
}

const packageJson = z.object({ name: z.string(), version: z.string() });

/**
 * What esbuild's tree-shaking cannot drop by itself (ADR 0080): parts of dependencies that no handler runs,
 * reached by relative or dynamic imports, are replaced by stand-ins that refuse rather than answer wrongly,
 * so a handler that ever needed one fails loudly (the bundle test imports every bundle; lambda-bundle-lean
 * tests each refusal); data files are cut to what is read; and the SDK's schema modules are rewritten into
 * the same values in a form esbuild can see is pure.
 */
export const leanBundlePlugin: Plugin = {
  name: "contract-ops-lean-bundle",
  setup(builder) {
    const projectRoot = builder.initialOptions.absWorkingDir ?? process.cwd();
    let operations: Map<string, Set<string>> | undefined;
    const called = () => {
      operations ??= calledOperations(projectRoot);
      return operations;
    };
    // Event streams (S3 SelectObjectContent and the like), which no handler calls: the S3 client builds an
    // event-stream marshaller when it is constructed, and the Smithy protocol imports the codec only for
    // an operation with an event stream. The stand-in builds a marshaller that refuses when used.
    builder.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, () => ({
      path: "event-streams",
      namespace: "contract-ops-left-out",
    }));
    builder.onLoad({ filter: /^event-streams$/, namespace: "contract-ops-left-out" }, () => ({
      contents: [
        refusingModule("event-stream operations", ["EventStreamSerde"]),
        `export const eventStreamSerdeProvider = () => new Proxy({}, { get: (_target, key) => (typeof key === 'symbol' ? undefined : ${LEFT_OUT_FUNCTION}) });`,
        // As @smithy/core's own: the client's configuration gets the provider's marshaller.
        "export const resolveEventStreamSerdeConfig = (input) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });",
      ].join("\n"),
      loader: "js",
    }));
    // DynamoDB's endpoint discovery, which aws-config.ts switches off (`endpointDiscoveryEnabled: false`;
    // a local endpoint skips it anyway): the client still builds its endpoint cache on mnemonist's LRU cache
    // (about 8 KB with obliterator) and asks it for an endpoint before every request. The stand-in is the
    // cache discovery off leaves: always empty, and it refuses to be filled.
    builder.onLoad({ filter: /[\\/]mnemonist[\\/]lru-cache\.js$/ }, () => ({
      contents: [
        `const ${LEFT_OUT_FUNCTION} = function () { throw new Error(${JSON.stringify(`DynamoDB endpoint discovery: ${LEFT_OUT}`)}); };`,
        "export default class EmptyCache { has() { return false; } get() { return undefined; } peek() { return undefined; } }",
        `EmptyCache.prototype.set = ${LEFT_OUT_FUNCTION};`,
        `EmptyCache.prototype.clear = ${LEFT_OUT_FUNCTION};`,
      ].join("\n"),
      loader: "js",
    }));
    // The SDK's pure-JavaScript SHA-256, SHA-1 and MD5, which it uses only where node:crypto lacks the
    // algorithm (it checks once, at load); Node 22 on Lambda has all three, so the native classes are used.
    builder.onLoad(
      {
        filter:
          /[\\/](checksum[\\/]sha256[\\/]Sha256Js|checksum[\\/]md5[\\/]Md5Js|checksums[\\/]dist-es[\\/]submodules[\\/]sha[\\/]sha1[\\/]Sha1Js)\.js$/,
      },
      (args) => {
        const name = basename(args.path, ".js");
        return { contents: refusingModule(`the SDK's ${name}`, [name]), loader: "js" };
      },
    );
    // postal-mime's conversions between plain text and HTML, with its 46 KB entity table: it runs them
    // only for a message whose plain and HTML parts stand side by side outside one alternative, or for
    // a forwarded message parsed inline; the reply parser lets the first through headers only and
    // takes the second as an attachment (functions/core/reply/parse-message.ts, ADR 0081).
    builder.onLoad({ filter: /[\\/]postal-mime[\\/]dist[\\/]esm[\\/]text-format\.js$/ }, () => ({
      contents: refusingModule("postal-mime's text and HTML conversion", [
        "decodeHTMLEntities",
        "escapeHtml",
        "textToHtml",
        "htmlToText",
        "formatTextHeader",
        "formatHtmlHeader",
      ]),
      loader: "js",
    }));
    // zod's JSON Schema generation (z.toJSONSchema): no handler converts a schema to JSON Schema.
    builder.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]core[\\/]to-json-schema\.js$/ }, () => ({
      contents: refusingModule(
        "zod JSON Schema generation",
        ["initializeContext", "handleUnrepresentable", "processSchema", "process", "extractDefs", "finalize"],
        ["createToJSONSchemaMethod", "createStandardJSONSchemaMethod"],
      ),
      loader: "js",
    }));
    // Its per-type processors, past the check aggregation that the schemas' `minLength`, `format`, … read.
    builder.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]core[\\/]json-schema-processors\.js$/ }, (args) => ({
      contents: withoutJsonSchemaProcessors(readFileSync(args.path, "utf8")),
      loader: "js",
    }));
    builder.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]core[\\/]json-schema-generator\.js$/ }, () => ({
      contents: refusingModule("zod JSON Schema generation", ["JSONSchemaGenerator"]),
      loader: "js",
    }));
    // The SDK clients' operation schemas: literal arrays whose trait objects use computed keys (`{ [_h]:
    // … }`, `_h` a string constant of the same file), which esbuild must assume may run code, so every
    // operation's schema stayed in the bundle (about 66 KB of S3's, of which five operations are called).
    // With the constants written in place, the keys are plain strings and unused schemas are dropped.
    builder.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
      (args) => {
        const literal = withLiteralTraitKeys(readFileSync(args.path, "utf8"));
        // Only the errors of the operations the functions call are registered (./sdk-errors.ts); a client
        // they never call keeps all of its own.
        const client = /[\\/]@aws-sdk[\\/](client-[a-z0-9-]+)[\\/]/.exec(args.path)?.[1] ?? "";
        const operations = called().get(client);
        if (operations === undefined) return { contents: literal, loader: "js" };
        const kept = new Set(
          [...operations].flatMap((operation) => declaredErrors(projectRoot, client, operation)),
        );
        return { contents: withOnlyErrors(literal, kept), loader: "js" };
      },
    );
    // A dependency's package.json is read for its name and version (the SDK's user agent); the rest of it
    // would be inlined whole.
    builder.onLoad({ filter: /[\\/]node_modules[\\/].*[\\/]package\.json$/ }, (args) => {
      const { name, version } = packageJson.parse(JSON.parse(readFileSync(args.path, "utf8")));
      return { contents: JSON.stringify({ name, version }), loader: "json" };
    });
  },
};

/** esbuild's options for a Lambda bundle written to `outfile`, without its entry point. */
export function lambdaBuildOptions(projectRoot: string, outfile: string): BuildOptions {
  return {
    absWorkingDir: projectRoot,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "esm",
    platform: "node",
    target: LAMBDA_BUNDLE.target,
    outfile,
    external: [...LAMBDA_BUNDLE.externalModules],
    alias: Object.fromEntries(Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => [from, `./${to}`])),
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    legalComments: "none",
    // esbuild's default ASCII output (\uXXXX escapes) stays: UTF-8 output is smaller (inbound-reply 1,413 KB
    // instead of 1,502) but imports slower, the whole source becoming a two-byte string in V8 (ADR 0080).
    tsconfig: join(projectRoot, "tsconfig.json"),
    plugins: [leanBundlePlugin],
    logLevel: "error",
  };
}

/**
 * Builds `entry` (relative to `projectRoot`) into `outputDir` as Lambda runs it: `index.mjs`, its source
 * map, and the data files read at run time beside it.
 */
export async function bundleLambda(projectRoot: string, entry: string, outputDir: string): Promise<void> {
  await build({
    ...lambdaBuildOptions(projectRoot, join(outputDir, "index.mjs")),
    entryPoints: [join(projectRoot, entry)],
  });
  // The working-day calendar reads the official year files (CN-<yyyy>.json) next to its module at run
  // time (R-WD-3), where `new URL("./calendar-data/", import.meta.url)` of the single-file bundle points.
  cpSync(join(projectRoot, "functions/core/calendar-data"), join(outputDir, "calendar-data"), {
    recursive: true,
  });
  // chinese-days' data is read on first use with require (functions/core/calendar.ts), resolved from the
  // bundle's directory: shipped where Node's module resolution looks.
  const chineseDays = "node_modules/chinese-days/dist";
  mkdirSync(join(outputDir, chineseDays), { recursive: true });
  cpSync(
    join(projectRoot, chineseDays, "chinese-days.json"),
    join(outputDir, chineseDays, "chinese-days.json"),
  );
}
