import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseContract } from "../../functions/core/contract";
import { generatorKey, usageCache } from "../../infra/local/usage-cache";
import { generateUsageContent } from "../../infra/local/usage-generator";

const repoRoot = new URL("../../", import.meta.url).pathname;
const contract = parseContract(
  JSON.parse(readFileSync(join(repoRoot, "contracts/11NA0700211920254001.json"), "utf8")),
);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const month = { contract, period: "2025-09", seed: 7, voiceCalls: 2000, smsMessages: 300 } as const;

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "usage-cache-"));
  dirs.push(dir);
  return dir;
}
async function entryFiles(cacheDir: string): Promise<string[]> {
  const versions = await readdir(cacheDir);
  return (
    await Promise.all(
      versions.map(async (v) => (await readdir(join(cacheDir, v))).map((f) => join(cacheDir, v, f))),
    )
  ).flat();
}

/** The generator and what it imports, copied into a tree of its own: edits there do not touch the repository. */
function generatorTree(root: string): { entry: string; repoRoot: string } {
  mkdirSync(join(root, "infra/local"), { recursive: true });
  cpSync(join(repoRoot, "infra/local/usage-generator.ts"), join(root, "infra/local/usage-generator.ts"));
  cpSync(join(repoRoot, "functions/core"), join(root, "functions/core"), { recursive: true });
  cpSync(join(repoRoot, "package-lock.json"), join(root, "package-lock.json"));
  return { entry: join(root, "infra/local/usage-generator.ts"), repoRoot: root };
}

describe("the cache of generated usage (ADR 0098)", () => {
  it("gives a month the generator's own bytes, generated the first time and read back after", async () => {
    const cacheDir = await temporaryDir();
    const fresh = generateUsageContent(month);
    const first = await (await usageCache(cacheDir)).content(month);
    const files = await entryFiles(cacheDir);
    expect(files).toHaveLength(1);
    const second = await (await usageCache(cacheDir)).content(month);
    for (const usage of [first, second]) {
      expect(usage.voice.equals(fresh.voice)).toBe(true);
      expect(usage.sms.equals(fresh.sms)).toBe(true);
      expect([usage.voiceRows, usage.smsRows, usage.voiceMalformed, usage.smsMalformed]).toEqual([
        2000,
        300,
        fresh.voiceMalformed,
        fresh.smsMalformed,
      ]);
    }
  });

  it("reads an entry from disk: what the file holds is what a later run uploads", async () => {
    const cacheDir = await temporaryDir();
    await (await usageCache(cacheDir)).content(month);
    const [file] = await entryFiles(cacheDir);
    if (file === undefined) throw new Error("no entry written");
    // The same length, another first data row: only a cache that reads the file returns it.
    const bytes = await readFile(file);
    const marked = Buffer.from(bytes.toString("latin1").replace("\n2025-09-", "\n2099-09-"), "latin1");
    expect(marked.equals(bytes)).toBe(false);
    await writeFile(file, marked);
    const read = await (await usageCache(cacheDir)).content(month);
    expect(read.voice.includes("\n2099-09-")).toBe(true);
  });

  it("keeps another seed, another volume or another contract in an entry of its own", async () => {
    const cacheDir = await temporaryDir();
    const cache = await usageCache(cacheDir);
    await cache.content(month);
    const otherSeed = await cache.content({ ...month, seed: 8 });
    await cache.content({ ...month, voiceCalls: 2001 });
    const otherContract = parseContract({
      ...JSON.parse(readFileSync(join(repoRoot, "contracts/11NA0700211920254001.json"), "utf8")),
    });
    otherContract.access.voiceNumber = "043188888";
    const otherNumber = await cache.content({ ...month, contract: otherContract });
    expect(await entryFiles(cacheDir)).toHaveLength(4);
    expect(otherSeed.voice.equals(generateUsageContent({ ...month, seed: 8 }).voice)).toBe(true);
    expect(otherSeed.voice.equals(generateUsageContent(month).voice)).toBe(false);
    expect(otherNumber.voice.includes("043188888")).toBe(true);
  });

  it("generates a month again when its entry was cut short", async () => {
    const cacheDir = await temporaryDir();
    await (await usageCache(cacheDir)).content(month);
    const [file] = await entryFiles(cacheDir);
    if (file === undefined) throw new Error("no entry written");
    await writeFile(file, (await readFile(file)).subarray(0, 100_000));
    const again = await (await usageCache(cacheDir)).content(month);
    expect(again.voice.equals(generateUsageContent(month).voice)).toBe(true);
    expect((await readFile(file)).length).toBeGreaterThan(100_000);
  });

  it("names another version when the generator or a module its code imports changes, not for a type", async () => {
    const tree = generatorTree(await temporaryDir());
    const key = () => generatorKey(tree.entry, tree.repoRoot);
    const original = await key();
    expect(await key()).toBe(original);
    // The CSV headers reach the generator through a re-export (functions/core/usage-csv.ts → usage-csv/format.ts).
    const format = join(tree.repoRoot, "functions/core/usage-csv/format.ts");
    writeFileSync(format, readFileSync(format, "utf8").replace("call_start,", "call_begin,"));
    const afterFormat = await key();
    expect(afterFormat).not.toBe(original);
    await appendFile(tree.entry, "\n// another line\n");
    const afterEntry = await key();
    expect(afterEntry).not.toBe(afterFormat);
    // The contract module is imported for its type only: no byte of the output can come from it.
    await appendFile(join(tree.repoRoot, "functions/core/contract.ts"), "\nexport const unused = 1;\n");
    expect(await key()).toBe(afterEntry);
    await appendFile(join(tree.repoRoot, "package-lock.json"), "\n");
    expect(await key()).not.toBe(afterEntry);
  });

  it("names another version when a data file the generator imports changes", async () => {
    const tree = generatorTree(await temporaryDir());
    writeFileSync(join(tree.repoRoot, "infra/local/names.json"), '["张伟"]');
    await appendFile(tree.entry, '\nimport names from "./names.json";\nexport const NAMES = names;\n');
    const key = () => generatorKey(tree.entry, tree.repoRoot);
    const before = await key();
    writeFileSync(join(tree.repoRoot, "infra/local/names.json"), '["李娜"]');
    expect(await key()).not.toBe(before);
  });

  it("keeps nothing when a source changed since the running code was built from it", async () => {
    const cacheDir = await temporaryDir();
    const generator = {
      entry: join(repoRoot, "infra/local/usage-generator.ts"),
      repoRoot,
      // What `bin/prebuilt.js` hands the run: the hash the artefact's build read, here not the file's content.
      built: new Map([["infra/local/usage-generator.ts", "0".repeat(64)]]),
    };
    const usage = await (await usageCache(cacheDir, generator)).content(month);
    expect(usage.voice.equals(generateUsageContent(month).voice)).toBe(true);
    expect(readdirSync(cacheDir)).toEqual([]);
    const source = readFileSync(generator.entry);
    const matching = { ...generator, built: new Map([["infra/local/usage-generator.ts", sha256(source)]]) };
    await (await usageCache(cacheDir, matching)).content(month);
    expect(await entryFiles(cacheDir)).toHaveLength(1);
  });

  it("keeps only the current generator version's entries", async () => {
    const cacheDir = await temporaryDir();
    const tree = generatorTree(await temporaryDir());
    await (await usageCache(cacheDir, tree)).content(month);
    await appendFile(tree.entry, "\n// edited\n");
    await (await usageCache(cacheDir, tree)).content(month);
    expect(readdirSync(cacheDir)).toEqual([await generatorKey(tree.entry, tree.repoRoot)]);
  });
});
