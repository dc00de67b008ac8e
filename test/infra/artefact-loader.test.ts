/**
 * The artefact's loader (bin/artefact-loader.js, ADR 0120): the prebuilt artefact's modules are CommonJS, loaded
 * once each, and run with a V8 code cache written after a run that marks itself representative. The oracle for
 * "after the run" is V8's: a cache made when a script is compiled holds no function that has not yet been called
 * (V8 compiles one on its first call), a cache made after the call holds its bytecode.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { prebuilt } from "../../bin/prebuilt";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const loaderPath = join(repoRoot, "bin", "artefact-loader.js");
const scratch: string[] = [];

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): { root: string; cacheDir: string } {
  const root = mkdtempSync(join(tmpdir(), "contract-ops-loader-"));
  scratch.push(root);
  writeFileSync(join(root, "package-lock.json"), '{"lockfileVersion":3}\n');
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return { root, cacheDir: join(root, "cache") };
}

/** Runs `main.ts` of the tree from its artefact in a fresh Node, as bin/prebuilt.js does; returns its stdout. */
function run(root: string, dir: string, env: Record<string, string> = {}): string {
  const script = `const { runFromArtefact } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, "bin", "prebuilt.js")).href)});
    runFromArtefact(${JSON.stringify(root)}, ${JSON.stringify(dir)}, ${JSON.stringify(join(root, "main.ts"))});`;
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
}

/** As `run`, for an entry that throws: the stack trace Node prints. */
function stackOf(root: string, dir: string, nodeFlags: string[] = []): string {
  const script = `const { runFromArtefact } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, "bin", "prebuilt.js")).href)});
    runFromArtefact(${JSON.stringify(root)}, ${JSON.stringify(dir)}, ${JSON.stringify(join(root, "main.ts"))});`;
  const child = spawnSync(process.execPath, [...nodeFlags, "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  expect(child.status).toBe(1);
  return child.stderr;
}

/** The code cache files of an artefact, by module path, with their sizes. */
function caches(dir: string): Map<string, { size: number; mtimeMs: number }> {
  const found = new Map<string, { size: number; mtimeMs: number }>();
  let flags: string[];
  try {
    flags = readdirSync(join(dir, ".code-cache"));
  } catch {
    return found;
  }
  for (const flag of flags) {
    for (const file of readdirSync(join(dir, ".code-cache", flag), { recursive: true, encoding: "utf8" })) {
      const path = join(dir, ".code-cache", flag, file);
      const stat = statSync(path);
      if (stat.isFile()) found.set(file, { size: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  return found;
}

/** A function of `statements` lines, compiled by V8 only when first called. */
function heavyFunction(statements: number): string {
  const lines = Array.from({ length: statements }, (_, i) => `  total += (seed * ${i + 1}) % 7;`);
  return `export function heavy(seed: number): number {\n  let total = 0;\n${lines.join("\n")}\n  return total;\n}\n`;
}

const representative = `import { markRunRepresentative } from ${JSON.stringify(loaderPath)};`;

describe("the artefact's loader", () => {
  it("loads each module once: the artefact's imports of its own modules and of a source by file URL get the same module", async () => {
    // The embedded stack imports each handler by its source's URL; the handler must share the run's chunks.
    const { root, cacheDir } = tree({
      "lib/shared.ts":
        "const seen = globalThis as { evaluations?: number };\nseen.evaluations = (seen.evaluations ?? 0) + 1;\nexport const state = { count: 0 };\n",
      "second.ts":
        'import { state } from "./lib/shared";\nexport function bump(): number {\n  return ++state.count;\n}\n',
      "main.ts": [
        'import { state } from "./lib/shared";',
        'import { bump } from "./second";',
        "bump();",
        'import(new URL("./lib/shared.ts", import.meta.url).href).then((module: { state: { count: number } }) => {',
        "  const evaluations = (globalThis as { evaluations?: number }).evaluations;",
        "  console.log(JSON.stringify({ same: module.state === state, count: module.state.count, evaluations }));",
        "});",
        "",
      ].join("\n"),
    });
    const artefact = await prebuilt({
      repoRoot: root,
      entries: ["main.ts", "second.ts", "lib/shared.ts"],
      cacheDir,
    });
    expect(readdirSync(join(artefact.dir, "chunks")).some((file) => file.endsWith(".js"))).toBe(true);
    expect(JSON.parse(run(root, artefact.dir))).toEqual({ same: true, count: 1, evaluations: 1 });
  });

  it("refuses a source's file URL the artefact does not hold, naming it", async () => {
    const { root, cacheDir } = tree({
      "lib/other.ts": "export const other = 1;\n",
      "main.ts":
        'import(new URL("./lib/other.ts", import.meta.url).href).catch((error: Error) => console.log(error.message));\n',
    });
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    expect(run(root, artefact.dir).trim()).toBe("lib/other.ts is not in the prebuilt artefact");
  });

  it("writes each module's code cache after a representative run, holding the functions the run compiled", async () => {
    const { root, cacheDir } = tree({
      "lib/heavy.ts": heavyFunction(3_000),
      "main.ts": [
        representative,
        'import { heavy } from "./lib/heavy";',
        'if (process.env.CALL_HEAVY === "1") console.log(heavy(3));',
        "markRunRepresentative();",
        "",
      ].join("\n"),
    });
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    run(root, artefact.dir, { CALL_HEAVY: "0" });
    const uncalled = [...caches(artefact.dir).values()].reduce((sum, c) => sum + c.size, 0);
    rmSync(join(artefact.dir, ".code-cache"), { recursive: true });
    // 3,000 statements: (3 × i) mod 7 over i = 1…3000 is the cycle 3,6,2,5,1,4,0 (sum 21) 428 times, then 3,6,2,5.
    expect(run(root, artefact.dir, { CALL_HEAVY: "1" }).trim()).toBe(String(428 * 21 + 3 + 6 + 2 + 5));
    const written = caches(artefact.dir);
    const called = [...written.values()].reduce((sum, c) => sum + c.size, 0);
    // The called function's bytecode and constants: tens of bytes a statement.
    expect(called - uncalled).toBeGreaterThan(3_000 * 10);

    // The next run uses the caches as they are: V8 accepts them, so none is written again.
    expect(run(root, artefact.dir, { CALL_HEAVY: "1" }).trim()).toBe(String(428 * 21 + 16));
    expect(caches(artefact.dir)).toEqual(written);
  });

  it("writes no cache after a run that does not mark itself representative, or that fails", async () => {
    const { root, cacheDir } = tree({
      "main.ts": [
        representative,
        'if (process.env.MARK === "1") markRunRepresentative();',
        'if (process.env.FAIL === "1") process.exitCode = 1;',
        'console.log("ran");',
        "",
      ].join("\n"),
    });
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    expect(run(root, artefact.dir).trim()).toBe("ran");
    expect(caches(artefact.dir).size).toBe(0);
    expect(() => run(root, artefact.dir, { MARK: "1", FAIL: "1" })).toThrow();
    expect(caches(artefact.dir).size).toBe(0);
    // The control: marked and clean, it writes.
    run(root, artefact.dir, { MARK: "1" });
    expect(caches(artefact.dir).size).toBeGreaterThan(0);
  });

  it("ends a run that did its work with exit 0 when the cache cannot be written, saying so once", async () => {
    const { root, cacheDir } = tree({
      "main.ts": `${representative}\nconsole.log("ran");\nmarkRunRepresentative();\n`,
    });
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    // A file where the cache's directory would go: nothing can be written under it, whoever runs the test.
    writeFileSync(join(artefact.dir, ".code-cache"), "in the way");
    const script = `const { runFromArtefact } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, "bin", "prebuilt.js")).href)});
      runFromArtefact(${JSON.stringify(root)}, ${JSON.stringify(artefact.dir)}, ${JSON.stringify(join(root, "main.ts"))});`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe("ran\n");
    expect(
      child.stderr.match(/^note: the compiled code was not kept \(.+\); the next run compiles it again$/gm),
    ).toHaveLength(1);
  });

  it("compiles from source past a cache V8 rejects, runs right, and writes a good cache in its place", async () => {
    const { root, cacheDir } = tree({
      "main.ts": `${representative}\nconsole.log(6 * 7);\nmarkRunRepresentative();\n`,
    });
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    run(root, artefact.dir);
    const [file] = [...caches(artefact.dir).keys()].filter((path) => path.startsWith("main.js"));
    expect(file).toBeDefined();
    const flags = readdirSync(join(artefact.dir, ".code-cache"));
    expect(flags).toHaveLength(1);
    const path = join(artefact.dir, ".code-cache", flags[0] ?? "", file ?? "");
    const garbage = Buffer.from("not a V8 code cache");
    writeFileSync(path, garbage);
    expect(run(root, artefact.dir).trim()).toBe("42");
    const rewritten = caches(artefact.dir);
    expect(readFileSync(path).equals(garbage)).toBe(false);
    // The rewritten cache is one V8 takes: the next run writes nothing.
    expect(run(root, artefact.dir).trim()).toBe("42");
    expect(caches(artefact.dir)).toEqual(rewritten);
  });

  it("places a frame on the built file's first line at its column there, the wrapper not counted", async () => {
    // The artefact's modules are minified onto few lines; Node's CommonJS wrapper opens the first.
    const { root, cacheDir } = tree({
      "main.ts":
        'export function deep(n: number): number {\n  if (n > 2) throw new Error("deep enough");\n  return deep(n + 1);\n}\ndeep(0);\n',
    });
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    const [firstLine] = readFileSync(join(artefact.dir, "main.js"), "utf8").split("\n");
    const column = (firstLine ?? "").indexOf('new Error("deep enough")') + 1;
    expect(column).toBeGreaterThan(0);
    expect(stackOf(root, artefact.dir)).toContain(`at deep (${join(artefact.dir, "main.js")}:1:${column})`);
  });

  it("with source maps on (--enable-source-maps), names the source's file, line and column in a stack trace", async () => {
    const { root, cacheDir } = tree({
      "main.ts":
        'export function deep(n: number): number {\n  if (n > 2) throw new Error("deep enough");\n  return deep(n + 1);\n}\ndeep(0);\n',
    });
    const artefact = await prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir });
    // Line 2, `new Error` at column 20 of `  if (n > 2) throw new Error(…)`.
    expect(stackOf(root, artefact.dir, ["--enable-source-maps"])).toContain(
      `at deep (${join(root, "main.ts")}:2:20)`,
    );
  });

  it("refuses to build an entry that awaits at its top level, naming it: a CommonJS module cannot", async () => {
    const { root, cacheDir } = tree({ "main.ts": "await Promise.resolve();\nexport const done = true;\n" });
    await expect(prebuilt({ repoRoot: root, entries: ["main.ts"], cacheDir })).rejects.toThrow(
      /cannot run as CommonJS: .*main\.js: Top-level await/,
    );
  });
});
