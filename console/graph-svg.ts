/**
 * Draws a state graph as SVG: elkjs (the Eclipse Layout Kernel compiled to JavaScript) lays it out with
 * its layered algorithm, Parallel branches and Map item processors as nested boxes; each state may carry
 * a status colour from an execution. Server-side, so pages need no script.
 */
import ELK, { type ElkExtendedEdge, type ElkNode } from "elkjs/lib/elk.bundled.js";
import type { EdgeKind, StateGraph } from "./graph";
import { escapeHtml } from "./html";

/** What happened to a state in one execution (the console's colours). */
export type StateStatus = "succeeded" | "failed" | "caught" | "running" | "not-reached";

/** Average advance of a 12 px Latin glyph in common sans-serif faces; labels are English state names. */
const CHAR_WIDTH = 7;
const NODE_HEIGHT = 36;
/** Wide enough for the longest state name (a sentence of about 70 characters) without overflowing its box. */
const MAX_NODE_WIDTH = 520;

const nodeWidth = (text: string) => Math.max(90, Math.min(MAX_NODE_WIDTH, text.length * CHAR_WIDTH + 28));

function elkGraph(graph: StateGraph): ElkNode {
  const nodes = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.layered.spacing.nodeNodeBetweenLayers": "28",
      "elk.spacing.nodeNode": "18",
      "elk.edgeRouting": "ORTHOGONAL",
    },
    children: [],
    edges: [],
  };
  for (const state of graph.states) {
    nodes.set(state.id, { id: state.id, width: nodeWidth(state.id), height: NODE_HEIGHT, children: [] });
  }
  for (const group of graph.groups) {
    nodes.set(group.id, {
      id: group.id,
      children: [],
      layoutOptions: { "elk.padding": "[top=24,left=10,bottom=10,right=10]" },
    });
  }
  const owned = new Set(graph.groups.map((g) => g.owner));
  for (const id of owned) {
    const node = nodes.get(id);
    if (node) {
      delete node.width;
      delete node.height;
      node.layoutOptions = { "elk.padding": "[top=30,left=10,bottom=10,right=10]" };
    }
  }
  const parentOf = (container: string | null) => (container === null ? root : nodes.get(container));
  for (const state of graph.states) parentOf(state.group)?.children?.push(nodes.get(state.id) as ElkNode);
  for (const group of graph.groups) nodes.get(group.owner)?.children?.push(nodes.get(group.id) as ElkNode);
  root.edges = graph.edges.map(
    (edge, index): ElkExtendedEdge => ({ id: `e${index}`, sources: [edge.from], targets: [edge.to] }),
  );
  return root;
}

interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

function place(node: ElkNode, dx: number, dy: number, out: Map<string, Placed>): void {
  const x = dx + (node.x ?? 0);
  const y = dy + (node.y ?? 0);
  out.set(node.id, { x, y, width: node.width ?? 0, height: node.height ?? 0 });
  for (const child of node.children ?? []) place(child, x, y, out);
}

function collectEdges(node: ElkNode, out: ElkExtendedEdge[]): void {
  out.push(...(node.edges ?? []));
  for (const child of node.children ?? []) collectEdges(child, out);
}

const EDGE_STYLE: Record<EdgeKind, string> = {
  next: "edge",
  choice: "edge choice",
  default: "edge choice",
  catch: "edge catch",
};

/** The SVG markup of a graph, each state with `data-state` and, given statuses, a `status-…` class. */
export async function renderGraphSvg(
  graph: StateGraph,
  statuses?: ReadonlyMap<string, StateStatus>,
): Promise<string> {
  const laidOut = await new ELK().layout(elkGraph(graph));
  const placed = new Map<string, Placed>();
  place(laidOut, 0, 0, placed);
  const edges: ElkExtendedEdge[] = [];
  collectEdges(laidOut, edges);
  const parts: string[] = [];
  const groups = new Map(graph.groups.map((g) => [g.id, g]));
  const owners = new Set(graph.groups.map((g) => g.owner));
  // Containers first (outermost first, as ELK nests them), so states are drawn above them.
  for (const [id, box] of placed) {
    const group = groups.get(id);
    if (group) {
      parts.push(
        `<g class="group" data-group="${escapeHtml(id)}"><rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="6"/><text x="${box.x + 8}" y="${box.y + 16}">${escapeHtml(group.label)}</text></g>`,
      );
    }
  }
  for (const state of graph.states) {
    const box = placed.get(state.id);
    if (!box) continue;
    const status = statuses ? (statuses.get(state.id) ?? "not-reached") : null;
    const cls = `state type-${state.type.toLowerCase()}${owners.has(state.id) ? " container" : ""}${status ? ` status-${status}` : ""}`;
    const title = `<title>${escapeHtml(`${state.id} (${state.type})${state.comment ? `\n${state.comment}` : ""}`)}</title>`;
    const label = owners.has(state.id)
      ? `<text x="${box.x + 8}" y="${box.y + 18}">${escapeHtml(`${state.id} · ${state.type}`)}</text>`
      : `<text x="${box.x + box.width / 2}" y="${box.y + box.height / 2 + 4}" text-anchor="middle">${escapeHtml(state.id)}</text>`;
    parts.push(
      `<g class="${cls}" data-state="${escapeHtml(state.id)}"${status ? ` data-status="${status}"` : ""}>${title}<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="${owners.has(state.id) ? 8 : 18}"/>${label}</g>`,
    );
  }
  for (const edge of edges) {
    const index = Number(edge.id.slice(1));
    const source = graph.edges[index];
    if (!source) continue;
    const offset = edge.container && edge.container !== "root" ? placed.get(edge.container) : undefined;
    const ox = offset?.x ?? 0;
    const oy = offset?.y ?? 0;
    for (const section of edge.sections ?? []) {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]
        .map((p) => `${p.x + ox},${p.y + oy}`)
        .join(" ");
      parts.push(
        `<polyline class="${EDGE_STYLE[source.kind]}" data-from="${escapeHtml(source.from)}" data-to="${escapeHtml(source.to)}" data-kind="${source.kind}" points="${points}" marker-end="url(#arrow)"><title>${escapeHtml(`${source.from} → ${source.to}${source.label ? ` (${source.label})` : ""}`)}</title></polyline>`,
      );
    }
  }
  const width = Math.ceil((laidOut.width ?? 0) + 4);
  const height = Math.ceil((laidOut.height ?? 0) + 4);
  return `<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="-2 -2 ${width} ${height}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>${parts.join("")}</svg>`;
}
