/**
 * What `npm start` loads before it plays a month: the packages bin/start.ts reaches through static
 * imports, read from esbuild's module graph (its metafile), not from timings. The CDK (aws-cdk-lib, about
 * 600 modules, only needed to synthesize; the template is cached, ADR 0050) and the console's graph layout
 * (elkjs, only for `--serve`) must stay out of a run.
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

async function staticPackages(entry: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: repoRoot,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  // From the entry along static imports only: a dynamic import() loads on demand, not at start.
  const packages = new Set<string>();
  const reached = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const imported of result.metafile.inputs[file]?.imports ?? []) {
      if (imported.kind === "dynamic-import") continue;
      if (!imported.external) {
        if (!reached.has(imported.path)) {
          reached.add(imported.path);
          queue.push(imported.path);
        }
        continue;
      }
      const parts = imported.path.split("/");
      packages.add(imported.path.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string));
    }
  }
  return packages;
}

describe("npm start's static imports", () => {
  it("reach the embedded stack's services but neither the CDK nor the console's graph layout", async () => {
    const packages = await staticPackages("bin/start.ts");
    // The run's own services are there (the graph is read right).
    expect(packages).toContain("jsonata");
    expect(packages).toContain("@aws-sdk/client-sfn");
    // The S3 emulator by a static import, so that the prebuilt artefact bundles it (ADR 0103).
    expect(packages).toContain("s3rver");
    // And the SES emulator's web framework, which the emulator is given from the artefact instead of loading its
    // CommonJS modules one by one (ADR 0111).
    expect(packages).toContain("express");
    expect(
      [...packages].filter((name) => name === "aws-cdk-lib" || name === "constructs" || name === "elkjs"),
    ).toEqual([]);
  }, 60_000);
});
