/**
 * The Step Functions runtime reads plain paths and `=`/`!=` comparisons of them without jsonata
 * (infra/local/sfn/expressions.ts). The oracle is jsonata itself (the package AWS's JSONata follows): every
 * expression below, over every pair of values, must give what jsonata gives with the same bindings.
 */
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileValue, type EvalContext, VariableScope } from "../../infra/local/sfn/expressions";

/** Values a variable may hold; `unbound` is no variable at all. */
const VALUES: Record<string, unknown> = {
  unbound: undefined,
  null: null,
  true: true,
  false: false,
  zero: 0,
  one: 1,
  text: "x",
  empty: "",
  object: { a: 1 },
  sameObject: { a: 1 },
  otherObject: { a: 2 },
  nested: { a: { b: 1 } },
  array: [1],
  arrayOfObjects: [{ a: 1 }],
};

const EXPRESSIONS = [
  "$v = true",
  "$v = false",
  "$v != null",
  "$v = null",
  '$v = "x"',
  "$v != 1",
  "$v = 0",
  "$v.a = 1",
  "$v.a.b != 1",
  "$v = $w",
  "$v != $w",
  "$v.a = $w.a",
  "null = $v",
  "$states.input.v = $states.input.w",
  "$states.input.v.a != 2",
];

function scopeOf(v: string, w: string): VariableScope {
  const scope = new VariableScope();
  if (v !== "unbound") scope.set("v", VALUES[v]);
  if (w !== "unbound") scope.set("w", VALUES[w]);
  return scope;
}

function contextOf(v: string, w: string, variables: VariableScope): EvalContext {
  return {
    states: { input: { v: VALUES[v], w: VALUES[w] }, context: {} },
    variables,
    nowMs: () => 0,
    stateName: "Compare",
  };
}

/** What jsonata gives with the variables (and `$states`) bound as the runtime binds them. */
async function jsonataAnswer(source: string, v: string, w: string): Promise<unknown> {
  const ctx = contextOf(v, w, scopeOf(v, w));
  return jsonata(source).evaluate(undefined, { ...ctx.variables.collect({}), states: ctx.states });
}

describe("comparisons read directly give jsonata's answers", () => {
  const names = Object.keys(VALUES);
  for (const source of EXPRESSIONS) {
    it(source, async () => {
      const compiled = compileValue(`{% ${source} %}`, "Output");
      for (const v of names) {
        for (const w of names) {
          const expected = await jsonataAnswer(source, v, w);
          const actual = await compiled.evaluate(contextOf(v, w, scopeOf(v, w)));
          expect({ v, w, answer: actual }).toEqual({ v, w, answer: expected });
        }
      }
    });
  }
});

describe("what is read directly does not reach jsonata", () => {
  /** Variables whose full set cannot be collected: only jsonata's bindings ask for it. */
  function withoutJsonata(v: string, w: string): VariableScope {
    const scope = scopeOf(v, w);
    scope.collect = () => {
      throw new Error("jsonata was asked");
    };
    return scope;
  }

  it("a comparison of primitives, or of an object with a primitive, is answered without jsonata", async () => {
    const cases: [string, string, string][] = [
      ["$v = true", "true", "unbound"],
      ["$v != null", "null", "unbound"],
      ['$v = "x"', "text", "unbound"],
      ["$v.a = 1", "object", "unbound"],
      ["$v = $w", "one", "object"],
      ["$v != $w", "zero", "false"],
      ["$states.input.v = $states.input.w", "empty", "text"],
    ];
    for (const [source, v, w] of cases) {
      const compiled = compileValue(`{% ${source} %}`, "Output");
      const answer = await compiled.evaluate(contextOf(v, w, withoutJsonata(v, w)));
      expect({ source, v, w, answer }).toEqual({ source, v, w, answer: await jsonataAnswer(source, v, w) });
    }
  });

  it("an array on the way, two objects, or an unbound variable go to jsonata", async () => {
    const cases: [string, string, string][] = [
      ["$v = 1", "array", "unbound"],
      ["$v.a = 1", "arrayOfObjects", "unbound"],
      ["$v = $w", "object", "sameObject"],
      ["$v = $w", "unbound", "one"],
    ];
    for (const [source, v, w] of cases) {
      const compiled = compileValue(`{% ${source} %}`, "Output");
      await expect(compiled.evaluate(contextOf(v, w, withoutJsonata(v, w)))).rejects.toThrow(
        "jsonata was asked",
      );
    }
  });
});
