/**
 * One parse of a JSONata source serves every field that repeats it (infra/local/sfn/expressions.ts, ADR 0114).
 * The oracle is jsonata itself, evaluated here with each field's own bindings, and the error texts of AWS's
 * JSONata states, which name the field an expression is in.
 */
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileValue, type EvalContext, VariableScope } from "../../infra/local/sfn/expressions";

function contextWith(input: unknown, stateName: string): EvalContext {
  return { states: { input, context: {} }, variables: new VariableScope(), nowMs: () => 0, stateName };
}

describe("a JSONata source repeated in several fields", () => {
  it("gives each field what jsonata gives with that field's bindings, evaluated together", async () => {
    const source = "$sum($states.input.amounts) & ' ' & $uppercase($states.input.name)";
    const first = compileValue(`{% ${source} %}`, "A.Output");
    const second = compileValue(`{% ${source} %}`, "B.Output");
    const inputs = [
      { amounts: [1, 2], name: "a" },
      { amounts: [10, 20, 30], name: "bc" },
    ];
    const [one, two] = await Promise.all([
      first.evaluate(contextWith(inputs[0], "A")),
      second.evaluate(contextWith(inputs[1], "B")),
    ]);
    const expected = await Promise.all(
      inputs.map((input) => jsonata(source).evaluate(undefined, { states: { input } })),
    );
    expect([one, two]).toEqual(expected);
    expect([one, two]).toEqual(["3 A", "60 BC"]);
  });

  it("names its own field when it returns nothing, though the parse is shared", async () => {
    const first = compileValue("{% $states.input.missing.deeper & '' %}", "First.Arguments");
    const second = compileValue("{% $states.input.missing %}", "Second.Output");
    const third = compileValue("{% $states.input.missing %}", "Third.Output");
    await expect(first.evaluate(contextWith({}, "First"))).resolves.toBe("");
    await expect(second.evaluate(contextWith({}, "Second"))).rejects.toThrow(
      "specified for the field 'Second.Output' returned nothing",
    );
    await expect(third.evaluate(contextWith({}, "Third"))).rejects.toThrow(
      "specified for the field 'Third.Output' returned nothing",
    );
  });

  it("refuses an invalid source in every field that has it, naming each", () => {
    expect(() => compileValue("{% $states.input.( %}", "One.Output")).toThrow(
      /^One\.Output: invalid JSONata/,
    );
    expect(() => compileValue("{% $states.input.( %}", "Two.Output")).toThrow(
      /^Two\.Output: invalid JSONata/,
    );
  });
});
