/**
 * The synthesized ContractOps template for the embedded stack, cached by the content of everything that
 * shapes it (ADR 0050). Synthesis loads aws-cdk-lib and runs CloudFormation validation — seconds on
 * every `npm start` and every end-to-end test file — while the template changes only when the stack's
 * source or the locked CDK version does. A changed input gives a new key, so a stale template is never
 * read; the file is written under a temporary name and renamed, so parallel test workers never read half.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as z from "zod";
import { loadAwsConfig } from "../../functions/adapters/aws-config";
import type { SynthesizeOptions } from "../synth-local";

const templateSchema = z.record(z.string(), z.unknown());

/** What the template is built from: the stack, its constructs, the workflow definitions, the pinned CDK. */
const INPUTS = ["infra/app.ts", "infra/stack.ts", "infra/synth-local.ts", "infra/table-schema.ts"];
const INPUT_DIRECTORIES = ["infra/constructs", "workflows"];
const LOCKS = ["package-lock.json", "tsconfig.json", "cdk.json"];

/**
 * The embedded stack is deployed with its own mail domain (the one its handlers send from), so the template's
 * `ses:FromAddress` condition names the local sender and IAM enforcement (ADR 0025) checks it as AWS would.
 */
export const LOCAL_SYNTH_OPTIONS: SynthesizeOptions = {
  context: { mailDomain: loadAwsConfig({}).mailFrom.split("@")[1] },
};

function filesUnder(repoRoot: string, directory: string): string[] {
  return readdirSync(join(repoRoot, directory), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)))
    .sort();
}

/** The cache key: a hash over the path and content of each input. */
export function templateKey(repoRoot: string): string {
  const hash = createHash("sha256");
  hash.update(`${JSON.stringify(LOCAL_SYNTH_OPTIONS)}\0`);
  const files = [
    ...INPUTS,
    ...INPUT_DIRECTORIES.flatMap((directory) => filesUnder(repoRoot, directory)),
    ...LOCKS,
  ];
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(repoRoot, file)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 32);
}

export function templateCachePath(repoRoot: string, key: string): string {
  return join(repoRoot, "node_modules", ".cache", "contract-ops", `template-${key}.json`);
}

export interface CachedTemplate {
  template: Record<string, unknown>;
  /** Whether this call synthesized (false: read from the cache). */
  synthesized: boolean;
}

/** The template from the cache, or synthesized (aws-cdk-lib loaded only then) and cached. */
export async function localTemplate(repoRoot: string): Promise<CachedTemplate> {
  const path = templateCachePath(repoRoot, templateKey(repoRoot));
  try {
    const cached = templateSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (cached.success) return { template: cached.data, synthesized: false };
  } catch (error) {
    // Absent (first run with these inputs) or unreadable: synthesize and write it afresh.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" && !(error instanceof SyntaxError)) throw error;
  }
  const { synthesizeTemplate } = await import("../synth-local");
  const template = synthesizeTemplate(LOCAL_SYNTH_OPTIONS);
  mkdirSync(join(path, ".."), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, JSON.stringify(template));
  renameSync(temporary, path);
  return { template, synthesized: true };
}
