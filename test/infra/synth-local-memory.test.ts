/**
 * What synthesizing the local template leaves in the process (ADR 0118): a run that finds no cached template
 * (a fresh clone, a changed stack) synthesizes it in its own process and then runs for hours. Measured in a
 * child process after full collections: the memory outside the heap that is not ArrayBuffers of Node's
 * allocator (a WebAssembly memory counts there; it never shrinks).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = join(import.meta.dirname, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "contract-ops-synth-memory-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MB = 1024 * 1024;

describe("synthesizing the local template", () => {
  it("leaves no large memory outside the heap once the template is made", () => {
    const script = join(scratch, "synth-memory.ts");
    writeFileSync(
      script,
      `const gc = (globalThis as { gc: () => void }).gc;
const outside = () => { gc(); gc(); const m = process.memoryUsage(); return m.external - m.arrayBuffers; };
async function main() {
  const before = outside();
  const { synthesizeTemplate } = await import(${JSON.stringify(join(repoRoot, "infra/synth-local.ts"))});
  const template = synthesizeTemplate({ context: { mailDomain: "contract-ops.localhost" } });
  process.stdout.write(JSON.stringify({ before, after: outside(), resources: Object.keys(template.Resources).length }));
}
void main();
`,
    );
    const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", script], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(child.status, child.stderr).toBe(0);
    const { before, after, resources } = JSON.parse(child.stdout) as {
      before: number;
      after: number;
      resources: number;
    };
    // The stack itself: the template is whole.
    expect(resources).toBeGreaterThan(100);
    // Before ADR 0118: about 168 MB more (CDK's built-in CloudFormation validation, a WebAssembly module).
    expect((after - before) / MB).toBeLessThan(32);
  }, 120_000);
});
