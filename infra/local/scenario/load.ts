/**
 * Reading a scenario file: JSON (a UTF-8 BOM accepted), validated against the scenario schema with one
 * line per bad field (path, value, what is expected), then the contract it names, with its merge patch
 * applied, validated as any contract is.
 */
import { readFile } from "node:fs/promises";
import type * as z from "zod";
import { type Contract, ContractInvalidError, parseContract } from "../../../functions/core/contract";
import { mergePatch } from "./merge-patch";
import { type Scenario, scenarioSchema } from "./schema";

export class ScenarioInvalidError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(`${source}: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join("\n")}`, options);
    this.name = "ScenarioInvalidError";
  }
}

export interface LoadedScenario {
  source: string;
  scenario: Scenario;
  contract: Contract;
}

const MAX_SHOWN = 60;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const shown = (value: unknown) => {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
};

/**
 * A field that takes one thing or a list of them (a reply, or several) fails as a union: report the
 * issues of the form the value has, so the line names the field that is wrong.
 */
function unionBranch(json: unknown, issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] {
  const value = valueAt(json, issue.path);
  const branch = issue.errors[Array.isArray(value) ? issue.errors.length - 1 : 0] ?? [];
  return branch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** One line per issue: `periods.2025-10.reply.workingDay: 31: expected …`. */
export function describeIssues(json: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === "invalid_union" && issue.errors.length > 0)
      return describeIssues(json, unionBranch(json, issue));
    const path = issue.path.map(String).join(".") || "(top level)";
    if (issue.code === "unrecognized_keys") {
      return issue.keys
        .map(
          (key) =>
            `${issue.path.length ? `${path}.` : ""}${key}: ${shown(valueAt(json, [...issue.path, key]))}: not a field of the scenario format`,
        )
        .join("\n");
    }
    return `${path}: ${shown(valueAt(json, issue.path))}: ${issue.message}`;
  });
}

export function parseScenario(json: unknown, source = "(inline)"): Scenario {
  const result = scenarioSchema.safeParse(json);
  if (!result.success) {
    throw new ScenarioInvalidError(
      source,
      describeIssues(json, result.error.issues).flatMap((l) => l.split("\n")),
    );
  }
  return result.data;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ScenarioInvalidError(path, [`${what}: ${(error as Error).message}`], { cause: error });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new ScenarioInvalidError(path, [`(file): not JSON: ${(error as Error).message}`], { cause: error });
  }
}

/** `contractPath` (the `--contract` flag) replaces the scenario's contract; its patch still applies. */
export async function loadScenario(path: string, contractPath?: string): Promise<LoadedScenario> {
  const scenario = parseScenario(await readJson(path, "(file)"), path);
  const contractFile = contractPath ?? scenario.contract;
  const contractJson = await readJson(contractFile, "contract");
  const patched = scenario.contractPatch ? mergePatch(contractJson, scenario.contractPatch) : contractJson;
  try {
    return { source: path, scenario, contract: parseContract(patched, contractFile) };
  } catch (error) {
    if (!(error instanceof ContractInvalidError)) throw error;
    const where = scenario.contractPatch ? "contractPatch" : "contract";
    throw new ScenarioInvalidError(
      path,
      error.problems.map((p) => `${where} → ${contractFile} ${p.path}: ${p.message}`),
      { cause: error },
    );
  }
}
