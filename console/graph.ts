/**
 * A state machine definition (Amazon States Language JSON) as a graph for the console: every state as a
 * node, Parallel branches and Map item processors as nested groups, and every transition as an edge —
 * Next, each Choice rule and its Default, and each Catch (a caught error is a path too). Pure: the
 * layout and drawing are graph-svg.ts.
 */
import * as z from "zod";

export type EdgeKind = "next" | "choice" | "default" | "catch";

export interface GraphState {
  /** The state's name: unique within a state machine, and what history events name. */
  id: string;
  type: string;
  comment: string | null;
  /** The group holding the state: a branch of a Parallel, a Map's item processor, or null at the top. */
  group: string | null;
  start: boolean;
  end: boolean;
}

/** A Parallel branch or a Map item processor, inside the state that owns it. */
export interface GraphGroup {
  id: string;
  owner: string;
  label: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label: string | null;
}

export interface StateGraph {
  startAt: string;
  comment: string | null;
  states: GraphState[];
  groups: GraphGroup[];
  edges: GraphEdge[];
}

// Only the fields the graph needs; everything else in a state is left as it is.
const stateSchema: z.ZodType<AslState> = z.lazy(() =>
  z
    .object({
      Type: z.string(),
      Comment: z.string().optional(),
      Next: z.string().optional(),
      End: z.boolean().optional(),
      Default: z.string().optional(),
      Choices: z
        .array(
          z.object({ Next: z.string(), Comment: z.string().optional(), Condition: z.string().optional() }),
        )
        .optional(),
      Catch: z.array(z.object({ ErrorEquals: z.array(z.string()), Next: z.string() })).optional(),
      Branches: z.array(scopeSchema).optional(),
      ItemProcessor: scopeSchema.optional(),
      Iterator: scopeSchema.optional(),
    })
    .loose(),
);

const scopeSchema: z.ZodType<AslScope> = z.lazy(() =>
  z
    .object({
      StartAt: z.string(),
      Comment: z.string().optional(),
      States: z.record(z.string(), stateSchema),
    })
    .loose(),
);

interface AslState {
  Type: string;
  Comment?: string | undefined;
  Next?: string | undefined;
  End?: boolean | undefined;
  Default?: string | undefined;
  Choices?: Array<{ Next: string; Comment?: string | undefined; Condition?: string | undefined }> | undefined;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }> | undefined;
  Branches?: AslScope[] | undefined;
  ItemProcessor?: AslScope | undefined;
  Iterator?: AslScope | undefined;
}

interface AslScope {
  StartAt: string;
  Comment?: string | undefined;
  States: Record<string, AslState>;
}

export class DefinitionShapeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DefinitionShapeError";
  }
}

/** Builds the graph of a definition (a JSON string as DescribeStateMachine returns it, or parsed). */
export function buildStateGraph(definition: string | unknown): StateGraph {
  const parsed = scopeSchema.safeParse(typeof definition === "string" ? JSON.parse(definition) : definition);
  if (!parsed.success) {
    throw new DefinitionShapeError(`not a state machine definition: ${z.prettifyError(parsed.error)}`);
  }
  const graph: StateGraph = {
    startAt: parsed.data.StartAt,
    comment: parsed.data.Comment ?? null,
    states: [],
    groups: [],
    edges: [],
  };
  addScope(graph, parsed.data, null);
  return graph;
}

function addScope(graph: StateGraph, scope: AslScope, group: string | null): void {
  for (const [name, state] of Object.entries(scope.States)) {
    graph.states.push({
      id: name,
      type: state.Type,
      comment: state.Comment ?? null,
      group,
      start: name === scope.StartAt,
      end: state.End === true || state.Type === "Succeed" || state.Type === "Fail",
    });
    if (state.Next) graph.edges.push({ from: name, to: state.Next, kind: "next", label: null });
    for (const choice of state.Choices ?? []) {
      graph.edges.push({ from: name, to: choice.Next, kind: "choice", label: choice.Comment ?? null });
    }
    if (state.Default) graph.edges.push({ from: name, to: state.Default, kind: "default", label: null });
    for (const handler of state.Catch ?? []) {
      graph.edges.push({
        from: name,
        to: handler.Next,
        kind: "catch",
        label: handler.ErrorEquals.join(", "),
      });
    }
    for (const [index, branch] of (state.Branches ?? []).entries()) {
      const id = `${name} › ${index + 1}`;
      graph.groups.push({ id, owner: name, label: branch.Comment ?? `branch ${index + 1}` });
      addScope(graph, branch, id);
    }
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) {
      const id = `${name} › item`;
      graph.groups.push({ id, owner: name, label: processor.Comment ?? "each item" });
      addScope(graph, processor, id);
    }
  }
}
