/**
 * IAM policy evaluation for one principal's identity-based policies (ADR 0025), as the IAM User Guide's
 * "Policy evaluation logic" describes it for a request within one account: an explicit Deny in any statement
 * wins; otherwise an Allow that matches grants; otherwise the request is implicitly denied.
 *
 * A statement matches when its Action (or NotAction), its Resource (or NotResource) and every Condition match.
 * Actions compare case-insensitively, with `*` and `?` wildcards. Resources compare case-sensitively; `*` and
 * `?` stay inside one of the first five ARN segments, and in the resource segment (the sixth, which may hold
 * colons and slashes) `*` matches anything.
 *
 * Conditions: the String*, Arn*, Bool and Null operators, each with `…IfExists`, and the `ForAnyValue:` /
 * `ForAllValues:` set qualifiers. A key absent from the request context makes its condition false (true for
 * `…IfExists`; `Null` tests exactly that). An operator this evaluator does not know is treated conservatively:
 * an Allow statement using it does not grant, a Deny statement using it denies.
 */

export type Effect = "Allow" | "Deny";

/** The request as IAM sees it: action, resource ARN and condition context (keys in lower case). */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export type Decision =
  | { allowed: true }
  | { allowed: false; reason: "explicit-deny" | "no-allow"; action: string; resource: string };

interface CompiledStatement {
  effect: Effect;
  actions: { negated: boolean; patterns: RegExp[] };
  resources: { negated: boolean; patterns: RegExp[] };
  conditions: CompiledCondition[];
}

interface CompiledCondition {
  test: (context: Record<string, string | string[]>) => boolean;
  /** An operator outside what is evaluated here (see the module comment). */
  unknown: boolean;
}

/** A statement as written in a policy document, with every intrinsic already resolved to text. */
export interface StatementDocument {
  Effect: Effect;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | boolean | (string | boolean)[]>>;
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

/** `*` → any run, `?` → one character; `within` is what they may not cross. */
function glob(pattern: string, within: string): string {
  const any = within === "" ? "[\\s\\S]" : `[^${within}]`;
  return pattern
    .split(/([*?])/)
    .map((part) => (part === "*" ? `${any}*` : part === "?" ? any : escapeRegExp(part)))
    .join("");
}

function actionPattern(pattern: string): RegExp {
  return new RegExp(`^${glob(pattern, "")}$`, "i");
}

/** ARN matching by segment: arn:partition:service:region:account:resource. */
export function resourcePattern(pattern: string): RegExp {
  if (pattern === "*") return /^[\s\S]*$/;
  const parts = pattern.split(":");
  const head = parts.slice(0, 5).map((part) => glob(part, ":"));
  const resource = parts.slice(5).join(":");
  const source = parts.length > 5 ? `${head.join(":")}:${glob(resource, "")}` : head.join(":");
  return new RegExp(`^${source}$`);
}

function stringTest(operator: string): ((actual: string, expected: string) => boolean) | undefined {
  switch (operator) {
    case "StringEquals":
    case "ArnEquals":
      return (a, e) => a === e;
    case "StringEqualsIgnoreCase":
      return (a, e) => a.toLowerCase() === e.toLowerCase();
    case "StringLike":
      return (a, e) => new RegExp(`^${glob(e, "")}$`).test(a);
    case "ArnLike":
      return (a, e) => resourcePattern(e).test(a);
    case "Bool":
      return (a, e) => a.toLowerCase() === e.toLowerCase();
    default:
      return undefined;
  }
}

const NEGATED: Record<string, string> = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
};

function compileCondition(
  qualifiedOperator: string,
  key: string,
  expectedValues: string[],
): CompiledCondition {
  const [qualifier, rawOperator] = qualifiedOperator.includes(":")
    ? (qualifiedOperator.split(":", 2) as [string, string])
    : [undefined, qualifiedOperator];
  const ifExists = rawOperator.endsWith("IfExists");
  const operator = ifExists ? rawOperator.slice(0, -"IfExists".length) : rawOperator;
  const contextKey = key.toLowerCase();
  if (operator === "Null") {
    const wantsAbsent = expectedValues.map((v) => v.toLowerCase() === "true");
    return {
      unknown: false,
      test: (context) => wantsAbsent.some((absent) => (context[contextKey] === undefined) === absent),
    };
  }
  const positive = NEGATED[operator] ?? operator;
  const compare = stringTest(positive);
  if (!compare || (qualifier !== undefined && qualifier !== "ForAnyValue" && qualifier !== "ForAllValues")) {
    return { unknown: true, test: () => false };
  }
  const negated = positive !== operator;
  // One context value against the condition's values: any of them (negated: none of them).
  const one = (actual: string) => {
    const hit = expectedValues.some((expected) => compare(actual, expected));
    return negated ? !hit : hit;
  };
  return {
    unknown: false,
    test: (context) => {
      const present = context[contextKey];
      if (present === undefined) return ifExists || qualifier === "ForAllValues";
      const values = list(present);
      if (qualifier === "ForAllValues") return values.every(one);
      return values.some(one);
    },
  };
}

function compileStatement(statement: StatementDocument): CompiledStatement {
  const actions = statement.NotAction !== undefined ? statement.NotAction : statement.Action;
  const resources = statement.NotResource !== undefined ? statement.NotResource : statement.Resource;
  const conditions: CompiledCondition[] = [];
  for (const [operator, byKey] of Object.entries(statement.Condition ?? {})) {
    for (const [key, values] of Object.entries(byKey)) {
      conditions.push(compileCondition(operator, key, list(values).map(String)));
    }
  }
  return {
    effect: statement.Effect,
    actions: { negated: statement.NotAction !== undefined, patterns: list(actions).map(actionPattern) },
    resources: {
      negated: statement.NotResource !== undefined,
      patterns: list(resources).map(resourcePattern),
    },
    conditions,
  };
}

function matches(statement: CompiledStatement, request: AuthorizationRequest): boolean {
  const actionHit = statement.actions.patterns.some((p) => p.test(request.action));
  if (actionHit === statement.actions.negated) return false;
  const resourceHit = statement.resources.patterns.some((p) => p.test(request.resource));
  if (resourceHit === statement.resources.negated) return false;
  const context = request.context ?? {};
  return statement.conditions.every((condition) =>
    // Conservative on what is not evaluated: a Deny applies, an Allow does not grant.
    condition.unknown ? statement.effect === "Deny" : condition.test(context),
  );
}

/** Answers a policy remembers; past this many it forgets them all and starts again (a 10,000-contract bench). */
const REMEMBERED_DECISIONS = 10_000;

/**
 * A principal's policies, compiled once (per stack start) and evaluated per request. A decision depends only on
 * the statements and the request's action, resource and context, and the stack asks about the same few requests
 * thousands of times a run, so each answer is remembered under exactly those three (ADR 0103).
 */
export class CompiledPolicy {
  private readonly statements: CompiledStatement[];
  private readonly decisions = new Map<string, Decision>();

  constructor(statements: StatementDocument[]) {
    this.statements = statements.map(compileStatement);
  }

  evaluate(request: AuthorizationRequest): Decision {
    const key = `${request.action}\0${request.resource}\0${request.context === undefined ? "" : JSON.stringify(request.context)}`;
    const known = this.decisions.get(key);
    if (known !== undefined) return known;
    if (this.decisions.size >= REMEMBERED_DECISIONS) this.decisions.clear();
    const decision = this.decide(request);
    this.decisions.set(key, decision);
    return decision;
  }

  private decide(request: AuthorizationRequest): Decision {
    let allowed = false;
    for (const statement of this.statements) {
      if (!matches(statement, request)) continue;
      if (statement.effect === "Deny")
        return {
          allowed: false,
          reason: "explicit-deny",
          action: request.action,
          resource: request.resource,
        };
      allowed = true;
    }
    return allowed
      ? { allowed: true }
      : { allowed: false, reason: "no-allow", action: request.action, resource: request.resource };
  }

  /** Every request must be allowed (an operation needing several grants); the first refusal otherwise. */
  evaluateAll(requests: AuthorizationRequest[]): Decision {
    for (const request of requests) {
      const decision = this.evaluate(request);
      if (!decision.allowed) return decision;
    }
    return { allowed: true };
  }
}
