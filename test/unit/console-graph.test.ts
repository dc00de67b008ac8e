/**
 * The console's graph of each synthesized state machine: every state and every transition of the
 * definition — Next, each Choice rule and Default, each Catch — is in the graph and drawn in the SVG,
 * with Parallel branches and Map item processors as nested groups. The oracle walks the ASL JSON here,
 * independently of the builder.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildStateGraph, DefinitionShapeError } from "../../console/graph";
import { renderGraphSvg } from "../../console/graph-svg";
import { loadStateMachinesFromTemplate } from "../../infra/local/sfn";
import { synthesizeTemplate } from "../../infra/synth-local";

// biome-ignore lint/suspicious/noExplicitAny: Amazon States Language JSON is untyped; the oracle walks it freely
type Json = Record<string, any>;

let machines: Array<{ name: string; definition: Json }>;

beforeAll(() => {
  const { stateMachines } = loadStateMachinesFromTemplate(synthesizeTemplate(), {
    region: "us-east-1",
    accountId: "123456789012",
    repoRoot: process.cwd(),
    bucketNames: { usage: "usage-bucket", mail: "mail-bucket" },
  });
  machines = stateMachines.map((m) => ({ name: m.name, definition: m.definition as Json }));
});

interface Walked {
  states: string[];
  edges: string[];
  groups: Array<{ owner: string; count: number }>;
}

function walk(scope: Json, out: Walked = { states: [], edges: [], groups: [] }): Walked {
  for (const [name, state] of Object.entries(scope.States as Record<string, Json>)) {
    out.states.push(name);
    if (state.Next) out.edges.push(`${name} -> ${state.Next} (next)`);
    for (const choice of state.Choices ?? []) out.edges.push(`${name} -> ${choice.Next} (choice)`);
    if (state.Default) out.edges.push(`${name} -> ${state.Default} (default)`);
    for (const c of state.Catch ?? []) out.edges.push(`${name} -> ${c.Next} (catch)`);
    if (state.Branches) {
      out.groups.push({ owner: name, count: state.Branches.length });
      for (const branch of state.Branches) walk(branch, out);
    }
    if (state.ItemProcessor) {
      out.groups.push({ owner: name, count: 1 });
      walk(state.ItemProcessor, out);
    }
  }
  return out;
}

describe("graph builder against each synthesized definition", () => {
  it("covers the stack's state machines, the workflows of architecture §4 among them", () => {
    const names = machines.map((m) => m.name.replace(/^ContractOps-/, ""));
    expect(names).toEqual(expect.arrayContaining(["MonthlyCycle", "MonthlyKickoff", "RenewalWatch"]));
  });

  it("has every state, every edge (Catch included) and one group per Parallel branch and Map processor", () => {
    for (const { name, definition } of machines) {
      const expected = walk(definition);
      const graph = buildStateGraph(JSON.stringify(definition));
      expect(graph.states.map((s) => s.id).sort(), name).toEqual([...expected.states].sort());
      expect(graph.edges.map((e) => `${e.from} -> ${e.to} (${e.kind})`).sort(), name).toEqual(
        [...expected.edges].sort(),
      );
      for (const group of expected.groups) {
        expect(graph.groups.filter((g) => g.owner === group.owner).length, `${name} ${group.owner}`).toBe(
          group.count,
        );
      }
      expect(graph.startAt, name).toBe(definition.StartAt);
    }
  });

  it("MonthlyCycle has Catch edges and nested groups to draw (the definition has both)", () => {
    const cycle = machines.find((m) => m.name.endsWith("MonthlyCycle"));
    if (!cycle) throw new Error("no MonthlyCycle");
    const expected = walk(cycle.definition);
    const graph = buildStateGraph(cycle.definition);
    expect(expected.edges.some((e) => e.endsWith("(catch)"))).toBe(true);
    expect(graph.edges.filter((e) => e.kind === "catch").length).toBe(
      expected.edges.filter((e) => e.endsWith("(catch)")).length,
    );
    expect(expected.groups.length).toBeGreaterThan(0);
    expect(graph.groups.length).toBe(expected.groups.reduce((n, g) => n + g.count, 0));
  });

  it("draws every state and every edge in the SVG, each state coloured by the status given", async () => {
    for (const { name, definition } of machines) {
      const expected = walk(definition);
      const graph = buildStateGraph(definition);
      const first = expected.states[0] as string;
      const svg = await renderGraphSvg(graph, new Map([[first, "succeeded"]]));
      const drawnStates = [...svg.matchAll(/<g class="state[^"]*" data-state="([^"]+)"/g)].map((m) =>
        m[1]?.replace(/&#39;/g, "'"),
      );
      expect(drawnStates.sort(), name).toEqual([...expected.states].sort());
      const drawnEdges = new Set(
        [...svg.matchAll(/data-from="([^"]+)" data-to="([^"]+)" data-kind="([a-z]+)"/g)].map((m) =>
          `${m[1]} -> ${m[2]} (${m[3]})`.replace(/&#39;/g, "'"),
        ),
      );
      expect([...drawnEdges].sort(), name).toEqual([...new Set(expected.edges)].sort());
      expect(svg).toContain(`data-state="${first.replace(/'/g, "&#39;")}" data-status="succeeded"`);
      // Every other state was not reached in that execution.
      expect([...svg.matchAll(/data-status="not-reached"/g)].length, name).toBe(expected.states.length - 1);
    }
  });
});

describe("graph builder: what is not a definition", () => {
  it("refuses JSON without StartAt and States", () => {
    expect(() => buildStateGraph({ Comment: "no states" })).toThrow(DefinitionShapeError);
  });

  it("refuses a state without a Type", () => {
    expect(() => buildStateGraph({ StartAt: "A", States: { A: { End: true } } })).toThrow(
      DefinitionShapeError,
    );
  });
});
