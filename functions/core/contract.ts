/**
 * The contract as data (合同). `contracts/<contractId>.json` holds one contract; this schema is the single
 * definition of what a contract file may say, assembled from its sections (./contract/: the value vocabulary,
 * parties, services, access, rule tunables, and the checks across sections). Every tunable of a rule is
 * `{ value, rule }` so a reader can go from a number in the file to the rule ID in contract-rules.md, and the
 * schema checks the ID is the right one.
 *
 * Loading never stops at the first problem: an operator fixing a contract file gets every problem at once,
 * each with its JSON path.
 */
import { readFile } from "node:fs/promises";
import * as z from "zod";
import { access } from "./contract/access";
import { consistencyIssues } from "./contract/consistency";
import { localDate, nonEmpty, positiveMoneyText } from "./contract/fields";
import { party } from "./contract/parties";
import { rules } from "./contract/rules";
import { type ServiceName, service } from "./contract/services";
import { withoutBom } from "./text";
import type { LocalDate } from "./time";

export const contractSchema = z
  .strictObject({
    $comment: z.string().optional(),
    contractId: z.string().regex(/^[0-9A-Z]{6,32}$/, "contract number: 6–32 digits or capital letters"),
    title: nonEmpty,
    procurementPlan: nonEmpty,
    currency: z.literal("CNY"),
    /** R-BUDGET-1: the contract total. */
    budget: positiveMoneyText,
    signing: z.strictObject({
      partyASignedOn: localDate,
      partyBSignedOn: localDate,
      /** True when the dates are not in the signed text (they are assumptions, listed in `assumptions`). */
      assumed: z.boolean(),
    }),
    assumptions: z.array(nonEmpty),
    parties: z.strictObject({ partyA: party, partyB: party }),
    access,
    services: z.array(service).min(1, "at least one service"),
    rules,
  })
  // R-TERM-1's term start is read here, in its one definition below, and handed to the checks across sections.
  .superRefine((contract, ctx) => {
    for (const issue of consistencyIssues(contract, termStartDate(contract))) {
      ctx.addIssue({ code: "custom", ...issue });
    }
  });

export type Contract = z.infer<typeof contractSchema>;
export type ContractRules = Contract["rules"];
export type ContractService = Contract["services"][number];

export interface ContractProblem {
  /** JSON path, e.g. `$.services[1].unitPrice`. */
  path: string;
  message: string;
}

export class ContractInvalidError extends Error {
  readonly problems: ContractProblem[];
  constructor(source: string, problems: ContractProblem[], options?: ErrorOptions) {
    super(
      `contract ${source} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
        .map((p) => `  ${p.path}: ${p.message}`)
        .join("\n")}`,
      options,
    );
    this.name = "ContractInvalidError";
    this.problems = problems;
  }
}

function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][\w$]*$/.test(name) ? `${acc}.${name}` : `${acc}[${JSON.stringify(name)}]`;
  }, "$");
}

/** Validates parsed JSON as a contract; throws ContractInvalidError listing every problem. */
export function parseContract(json: unknown, source = "(inline)"): Contract {
  const result = contractSchema.safeParse(json);
  if (result.success) return result.data;
  const problems: ContractProblem[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ path: jsonPath([...issue.path, key]), message: "unknown field" });
      }
    } else {
      problems.push({ path: jsonPath(issue.path), message: issue.message });
    }
  }
  throw new ContractInvalidError(source, problems);
}

/** Reads and validates a contract file. Malformed JSON is reported as a problem at `$`. */
export async function loadContract(path: string): Promise<Contract> {
  const text = await readFile(path, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(withoutBom(text));
  } catch (error) {
    throw new ContractInvalidError(path, [{ path: "$", message: `not JSON: ${(error as Error).message}` }], {
      cause: error,
    });
  }
  return parseContract(json, path);
}

function laterDate(a: LocalDate, b: LocalDate): LocalDate {
  return a > b ? a : b;
}

/** R-TERM-1: the term runs from the later of the two signing dates. */
export function termStartDate(contract: Contract): LocalDate {
  return laterDate(contract.signing.partyASignedOn, contract.signing.partyBSignedOn);
}

/** The tunables every contract states (the optional ones have their default where they are read). */
type RequiredRuleName = {
  [K in keyof ContractRules]-?: undefined extends ContractRules[K] ? never : K;
}[keyof ContractRules];

/** A rule tunable's value, typed by its name: `contractRule(c, "smsPartLength")` → number. */
export function contractRule<K extends RequiredRuleName>(
  contract: Contract,
  name: K,
): ContractRules[K]["value"] {
  return contract.rules[name].value;
}

/** The priced service, or undefined when the contract does not include it. */
export function contractService(contract: Contract, name: ServiceName): ContractService | undefined {
  return contract.services.find((entry) => entry.service === name);
}
