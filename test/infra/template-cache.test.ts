/**
 * The embedded stack's template cache (ADR 0050): the same template as a fresh synthesis, read from the
 * cache the second time, and a new key as soon as anything that shapes the template changes.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  LOCAL_SYNTH_OPTIONS,
  localTemplate,
  templateCachePath,
  templateKey,
} from "../../infra/local/template-cache";
import { synthesizeTemplate } from "../../infra/synth-local";

const repoRoot = join(import.meta.dirname, "..", "..");
const copy = mkdtempSync(join(tmpdir(), "contract-ops-template-cache-"));
for (const path of [
  "infra/app.ts",
  "infra/stack.ts",
  "infra/synth-local.ts",
  "infra/table-schema.ts",
  "infra/constructs",
  "infra/local/app.ts",
  "workflows",
  "package-lock.json",
  "tsconfig.json",
  "cdk.json",
]) {
  cpSync(join(repoRoot, path), join(copy, path), { recursive: true });
}
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe("template cache of the embedded stack", () => {
  it("synthesizes once, then reads the same template from the cache", async () => {
    const first = await localTemplate(copy);
    expect(first.synthesized).toBe(true);
    expect(existsSync(templateCachePath(copy, templateKey(copy)))).toBe(true);
    const second = await localTemplate(copy);
    expect(second.synthesized).toBe(false);
    expect(second.template).toEqual(synthesizeTemplate(LOCAL_SYNTH_OPTIONS));
  }, 120_000);

  it("a changed workflow, construct or locked version gives a new key", () => {
    let previous = templateKey(copy);
    for (const file of ["workflows/states.ts", "infra/constructs/table.ts", "package-lock.json"]) {
      writeFileSync(join(copy, file), "\n", { flag: "a" });
      const next = templateKey(copy);
      expect(next, file).not.toBe(previous);
      previous = next;
    }
  });

  it("a change outside what shapes the template (the local runtime) keeps the key", () => {
    const before = templateKey(copy);
    writeFileSync(join(copy, "infra/local/app.ts"), "\n", { flag: "a" });
    expect(templateKey(copy)).toBe(before);
  });
});
