/**
 * `tsx infra/constructs/lambda-bundle-cli.ts <project root> <entry> <output dir>`: one Lambda bundle, built
 * by ./lambda-bundle.ts. CDK's local bundling runs this in a child process (ADR 0080).
 */
import { bundleLambda } from "./lambda-bundle";

const [projectRoot, entry, outputDir] = process.argv.slice(2);
if (projectRoot === undefined || entry === undefined || outputDir === undefined) {
  process.stderr.write("usage: lambda-bundle-cli <project root> <entry> <output dir>\n");
  process.exit(2);
}
await bundleLambda(projectRoot, entry, outputDir);
