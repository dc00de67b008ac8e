/**
 * The prebuilt artefact `npm start` runs (ADR 0076): built in a clean tree, reused while its sources are
 * unchanged, rebuilt when one changes (never stale), and complete for the embedded stack, which imports
 * every handler the template names by its source path.
 */

import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { artefactModule, handlerEntries, prebuilt } from "../../bin/prebuilt";
import { localTemplate } from "../../infra/local/template-cache";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const scratch: string[] = [];
const resourcesSchema = z.record(
  z.string(),
  z.object({ Metadata: z.record(z.string(), z.unknown()).optional() }),
);

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A two-module tree: the entry reads a value from a second module and reports its own import.meta.url. */
function fixtureTree(): { root: string; cacheDir: string } {
  const root = mkdtempSync(join(tmpdir(), "contract-ops-prebuilt-"));
  scratch.push(root);
  mkdirSync(join(root, "lib"));
  writeFileSync(join(root, "package-lock.json"), '{"lockfileVersion":3}\n');
  writeFileSync(
    join(root, "main.ts"),
    'import { value } from "./lib/value";\nexport const result: number = value;\nexport const where: string = import.meta.url;\n',
  );
  writeFileSync(join(root, "lib", "value.ts"), "export const value: number = 1;\n");
  return { root, cacheDir: join(root, "cache") };
}

const HOURS_AGO_2 = new Date(Date.now() - 2 * 3_600_000);

function artefactDirs(cacheDir: string): string[] {
  return readdirSync(cacheDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every JavaScript file of an artefact: its entries and their chunks. */
function builtFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js"))
    .map((file) => join(dir, file));
}

async function load(dir: string): Promise<{ result: number; where: string }> {
  return (await import(pathToFileURL(join(dir, "main.js")).href)) as { result: number; where: string };
}

describe("the prebuilt artefact", () => {
  it("is built in a clean tree, and each module keeps its source file's import.meta.url", async () => {
    const { root, cacheDir } = fixtureTree();
    expect(existsSync(cacheDir)).toBe(false);
    const first = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    expect(first.built).toBe(true);
    const module = await load(first.dir);
    expect(module.result).toBe(1);
    // Files beside a source (calendar data, scenarios) resolve from the source's place, not the cache's.
    expect(module.where).toBe(pathToFileURL(join(root, "main.ts")).href);
  });

  it("is reused while no source changed, and rebuilt when an imported module changes", async () => {
    const { root, cacheDir } = fixtureTree();
    const first = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    const again = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    expect(again).toEqual({ ...first, built: false });

    writeFileSync(join(root, "lib", "value.ts"), "export const value: number = 2;\n");
    const changed = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    expect(changed.built).toBe(true);
    expect(changed.key).not.toBe(first.key);
    expect((await load(changed.dir)).result).toBe(2);
  });

  it("is rebuilt when a JavaScript source of the tree it imports changes, as for a TypeScript one", async () => {
    const { root, cacheDir } = fixtureTree();
    writeFileSync(join(root, "lib", "plain.js"), "export const plain = 1;\n");
    writeFileSync(
      join(root, "main.ts"),
      'import { plain } from "./lib/plain.js";\nexport const result: number = plain;\n',
    );
    const first = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    expect((await load(first.dir)).result).toBe(1);
    writeFileSync(join(root, "lib", "plain.js"), "export const plain = 2;\n");
    const changed = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    expect(changed.built).toBe(true);
    expect(changed.key).not.toBe(first.key);
    expect(changed.sources.has("lib/plain.js")).toBe(true);
  });

  it("is rebuilt when the locked dependencies change or a source it was built from is gone", async () => {
    const { root, cacheDir } = fixtureTree();
    const first = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    writeFileSync(join(root, "package-lock.json"), '{"lockfileVersion":3,"packages":{}}\n');
    const relocked = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    expect(relocked.built).toBe(true);
    expect(relocked.key).not.toBe(first.key);

    rmSync(join(root, "lib", "value.ts"));
    await expect(prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir })).rejects.toThrow(/lib\/value/);
  });

  it("is not reused by a copy of the tree elsewhere: each module's import.meta.url names its own tree", async () => {
    // A cache copied with node_modules (a second checkout, a worktree) must not send the copy's imports of
    // files beside a source (calendar data, handlers by path) back to the tree the artefact was built in.
    const { root, cacheDir } = fixtureTree();
    const first = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    const copy = mkdtempSync(join(tmpdir(), "contract-ops-prebuilt-copy-"));
    scratch.push(copy);
    cpSync(root, copy, { recursive: true });
    const copied = await prebuilt({ repoRoot: copy, entries: ["main.ts"], cacheDir: join(copy, "cache") });
    expect(copied.built).toBe(true);
    expect(copied.key).not.toBe(first.key);
    expect((await load(copied.dir)).where).toBe(pathToFileURL(join(copy, "main.ts")).href);
  });

  it("keeps the current artefact and the three before it, removing older ones no run used within the hour", async () => {
    const { root, cacheDir } = fixtureTree();
    const keys: string[] = [];
    for (let value = 1; value <= 6; value++) {
      writeFileSync(join(root, "lib", "value.ts"), `export const value: number = ${value};\n`);
      const built = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
      keys.push(built.key);
      // Its run ended two hours ago.
      utimesSync(built.dir, HOURS_AGO_2, HOURS_AGO_2);
    }
    expect(new Set(keys).size).toBe(6);
    expect(artefactDirs(cacheDir)).toEqual(keys.slice(2).sort());
  });

  it("keeps an older artefact a run started from within the hour, past four newer ones", async () => {
    // A ten-year bench:year imports handlers minutes after it started, while edits build newer artefacts.
    const { root, cacheDir } = fixtureTree();
    const running = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    for (let value = 2; value <= 6; value++) {
      writeFileSync(join(root, "lib", "value.ts"), `export const value: number = ${value};\n`);
      await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    }
    expect(artefactDirs(cacheDir)).toContain(running.key);
    expect(artefactDirs(cacheDir)).toHaveLength(6);
  });

  it("hands the entry Node's built-in modules through require, so Node builds no ES module facade of them", async () => {
    // An ES module importing node:http makes Node build that module's facade, reading every export, and
    // node:http's WebSocket export loads Node's bundled undici (about 0.1 s of a run's start) that the run
    // never uses; `process.moduleLoadList` names each internal module Node has loaded.
    const { root, cacheDir } = fixtureTree();
    writeFileSync(
      join(root, "main.ts"),
      [
        'import http, { createServer } from "node:http";',
        'import * as path from "path";',
        'import { createRequire } from "node:module";',
        "const required = createRequire(import.meta.url);",
        'export const same = createServer === required("node:http").createServer && http === required("node:http") &&',
        '  path.join === required("node:path").join;',
        "",
      ].join("\n"),
    );
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(artefact.dir, "main.js")).href)});
      console.log(JSON.stringify({ same: m.same, undici: process.moduleLoadList.some((name) => name.includes("undici")) }));`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }),
    );
    expect(loaded).toEqual({ same: true, undici: false });
  });

  it("hands its dynamic imports of node:http to require too, exporting what Node's facade exports but undici's", async () => {
    // The SDK's HTTP handler and instance-metadata client load node:http by `await import("node:http")`, reading
    // `default` or a named export (`request`, `Agent`). The oracle is Node's own facade, built in the child
    // after the artefact has answered: the same export names (bar WebSocket and its events, the getters that
    // load undici), each the same value. node:async_hooks, imported the same way, keeps Node's own import.
    const { root, cacheDir } = fixtureTree();
    writeFileSync(
      join(root, "main.ts"),
      [
        'export const http = () => import("node:http");',
        'export const hooks = () => import("node:async_hooks");',
        "",
      ].join("\n"),
    );
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(artefact.dir, "main.js")).href)});
      const bundled = await m.http();
      const { request } = await m.http();
      const undici = process.moduleLoadList.some((name) => name.includes("undici"));
      const hooks = await m.hooks();
      const store = new hooks.AsyncLocalStorage();
      const facade = await import("node:http");
      const undiciNames = ["WebSocket", "CloseEvent", "MessageEvent"];
      console.log(JSON.stringify({
        undici,
        names: Object.keys(bundled).sort(),
        facadeNames: Object.keys(facade).filter((name) => !undiciNames.includes(name)).sort(),
        sameValues: Object.keys(bundled).every((name) => bundled[name] === facade[name]),
        request: request === facade.request,
        store: store.run(7, () => store.getStore()),
      }));`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }),
    );
    expect(loaded.undici).toBe(false);
    expect(loaded.names).toEqual(loaded.facadeNames);
    expect(loaded.names).toContain("default");
    expect(loaded.names).toContain("Agent");
    expect(loaded).toMatchObject({ sameValues: true, request: true, store: 7 });
  });

  it("gives mailparser a linkify-it built on first use, replaying the calls mailparser made at load", async () => {
    // A stand-in pair of packages: "linkify-it" counts instances built and records each call in order; a
    // "mailparser" configures one instance at load, as mailparser 3 does, and matches with it on demand.
    // The oracle is the same calls made on the package directly.
    const { root, cacheDir } = fixtureTree();
    const linkify = join(root, "node_modules", "linkify-it");
    const mailparser = join(root, "node_modules", "mailparser", "dist", "esm");
    mkdirSync(linkify, { recursive: true });
    mkdirSync(mailparser, { recursive: true });
    writeFileSync(join(linkify, "package.json"), '{"name":"linkify-it","main":"index.js"}');
    writeFileSync(
      join(linkify, "index.js"),
      [
        "globalThis.linkifyBuilt = 0;",
        "function LinkifyIt(schemas) {",
        "  if (!(this instanceof LinkifyIt)) return new LinkifyIt(schemas);",
        "  globalThis.linkifyBuilt += 1;",
        "  this.calls = [['new', schemas]];",
        "}",
        "for (const name of ['tlds', 'add', 'set'])",
        "  LinkifyIt.prototype[name] = function (...args) { this.calls.push([name, ...args]); return this; };",
        "LinkifyIt.prototype.match = function (text) { return [text, this.calls]; };",
        "module.exports = LinkifyIt;",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(root, "node_modules", "mailparser", "package.json"),
      '{"name":"mailparser","type":"module","main":"dist/esm/index.js"}',
    );
    const configure = [
      "const linkify = linkifyIt();",
      "linkify.tlds(['cn', 'com']).tlds('onion', true).add('git:', 'http:').add('ftp:', null).set({ fuzzyIP: true });",
      "linkify.add('@', { validate: () => 0 });",
    ].join("\n");
    writeFileSync(
      join(mailparser, "index.js"),
      `import linkifyIt from "linkify-it";\n${configure}\nexport const match = (text) => linkify.match(text);\n`,
    );
    writeFileSync(join(root, "main.ts"), 'export { match } from "mailparser";\n');
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(artefact.dir, "main.js")).href)});
      const atLoad = globalThis.linkifyBuilt;
      const first = m.match("see example.cn");
      const second = m.match("again");
      const afterUse = globalThis.linkifyBuilt;
      const { createRequire } = await import("node:module");
      const linkifyIt = createRequire(${JSON.stringify(join(root, "main.ts"))})("linkify-it");
      ${configure}
      console.log(JSON.stringify({ atLoad, after: afterUse, first, second, direct: linkify.match("see example.cn") }));`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }),
    );
    expect(loaded.atLoad).toBe(0);
    expect(loaded.after).toBe(1);
    expect(loaded.first).toEqual(loaded.direct);
    expect(loaded.second[1]).toEqual(loaded.direct[1]);
    expect(loaded.first[1].map((call: unknown[]) => call[0])).toEqual([
      "new",
      "tlds",
      "tlds",
      "add",
      "add",
      "set",
      "add",
    ]);
  });

  it("is written without layout, keeping names as written and a source map to the sources", async () => {
    const { root, cacheDir } = fixtureTree();
    writeFileSync(
      join(root, "main.ts"),
      [
        "export function closeTheMonth(): string {",
        '  return "closed";',
        "}",
        "export class HeldBillError extends Error {}",
        "",
      ].join("\n"),
    );
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    const built = readFileSync(join(artefact.dir, "main.js"), "utf8");
    // The unminified build indents each statement: `  return "closed";` on a line of its own.
    expect(built).not.toContain('  return "closed"');
    const module = (await import(pathToFileURL(join(artefact.dir, "main.js")).href)) as {
      closeTheMonth: () => string;
      HeldBillError: new () => Error;
    };
    expect(module.closeTheMonth()).toBe("closed");
    expect(module.closeTheMonth.name).toBe("closeTheMonth");
    expect(new module.HeldBillError().constructor.name).toBe("HeldBillError");
    expect(built).toContain("//# sourceMappingURL=main.js.map");
    const map = z
      .object({ sources: z.array(z.string()) })
      .parse(JSON.parse(readFileSync(join(artefact.dir, "main.js.map"), "utf8")));
    expect(map.sources.map((source) => resolve(artefact.dir, source))).toContain(join(root, "main.ts"));
  });

  it("marks its modules as CommonJS, which Node's own loader runs too, named exports and all", async () => {
    // The loader runs them (ADR 0120), but a tool may load one with Node's: the package.json says what they are, so
    // Node neither searches for it nor parses the file to detect it (Node's "Determining module system"), and
    // esbuild's annotation of the exports gives an ES module importing one its named exports. Two entries sharing
    // a module give a chunk too.
    const { root, cacheDir } = fixtureTree();
    writeFileSync(
      join(root, "second.ts"),
      'import { value } from "./lib/value";\nexport const twice: number = value * 2;\n',
    );
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts", "second.ts"], cacheDir });
    expect(readdirSync(join(artefact.dir, "chunks")).some((file) => file.endsWith(".js"))).toBe(true);
    const script = `const main = await import(${JSON.stringify(pathToFileURL(join(artefact.dir, "main.js")).href)});
      const second = await import(${JSON.stringify(pathToFileURL(join(artefact.dir, "second.js")).href)});
      console.log(JSON.stringify([main.result, second.twice]));`;
    const loaded = execFileSync(
      process.execPath,
      ["--no-experimental-detect-module", "--input-type=module", "-e", script],
      { encoding: "utf8" },
    );
    expect(JSON.parse(loaded)).toEqual([1, 2]);
  });

  it("leaves iconv-lite's charset tables on disk, read when the package asks for one; other data is bundled", async () => {
    // iconv-lite requires each double-byte table (./tables/cp936.json, …) only when that charset is first
    // used; a package's other data (here a second package's JSON) stays in the bundle.
    const { root, cacheDir } = fixtureTree();
    const tables = join(root, "node_modules", "iconv-lite", "encodings", "tables");
    mkdirSync(tables, { recursive: true });
    writeFileSync(
      join(root, "node_modules", "iconv-lite", "package.json"),
      '{"name":"iconv-lite","main":"index.js"}',
    );
    writeFileSync(
      join(root, "node_modules", "iconv-lite", "index.js"),
      'exports.gbkTable = () => require("./encodings/tables/cp936.json");\n',
    );
    writeFileSync(join(tables, "cp936.json"), '[["8140","gbk-table-row"]]\n');
    mkdirSync(join(root, "node_modules", "other-data"));
    writeFileSync(
      join(root, "node_modules", "other-data", "package.json"),
      '{"name":"other-data","main":"index.js"}',
    );
    writeFileSync(
      join(root, "node_modules", "other-data", "index.js"),
      'module.exports = require("./rows.json");\n',
    );
    writeFileSync(join(root, "node_modules", "other-data", "rows.json"), '["bundled-row"]\n');
    writeFileSync(
      join(root, "main.ts"),
      'import { gbkTable } from "iconv-lite";\nimport rows from "other-data";\nexport { gbkTable, rows };\n',
    );
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    const builtText = builtFiles(artefact.dir)
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    expect(builtText).not.toContain("gbk-table-row");
    expect(builtText).toContain("bundled-row");
    const module = (await import(pathToFileURL(join(artefact.dir, "main.js")).href)) as {
      gbkTable: () => unknown;
      rows: unknown;
    };
    expect(module.gbkTable()).toEqual([["8140", "gbk-table-row"]]);
    expect(module.rows).toEqual(["bundled-row"]);
  });

  it("holds npm start and every handler the template names, under the path the stack imports", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "contract-ops-prebuilt-repo-"));
    scratch.push(cacheDir);
    const artefact = await prebuilt({
      repoRoot,
      entries: ["bin/start.ts", ...handlerEntries(repoRoot)],
      cacheDir,
    });
    const { template } = await localTemplate(repoRoot);
    const resources = resourcesSchema.parse(template.Resources);
    const entries = Object.values(resources).flatMap((resource) => {
      const entry = resource.Metadata?.["contract-ops:entry"];
      return typeof entry === "string" ? [entry] : [];
    });
    // The template's Lambda functions (from the CDK app), each found among the handlers built.
    expect(entries.length).toBeGreaterThan(10);
    expect(handlerEntries(repoRoot)).toEqual(expect.arrayContaining(entries));
    for (const entry of [...entries, "bin/start.ts"]) {
      const built = artefactModule(repoRoot, artefact.dir, join(repoRoot, entry));
      expect(built && existsSync(built), entry).toBe(true);
    }
  }, 120_000);
});
