// Layered layout of the step DAG: one row per depth, vertices ordered in each row by the
// mean position of their parents (one barycentre sweep), so merged paths stay close.
import { NODE_HEIGHT, NODE_WIDTH } from "./layout";

export interface DagInput {
  vertices: readonly { id: string; depth: number }[];
  edges: readonly { source: string; target: string }[];
}

export interface DagPlaced {
  id: string;
  x: number;
  y: number;
}

const GAP_X = 40;
const GAP_Y = 70;

export function layoutDag(dag: DagInput): DagPlaced[] {
  const rows = new Map<number, string[]>();
  for (const vertex of dag.vertices) {
    rows.set(vertex.depth, [...(rows.get(vertex.depth) ?? []), vertex.id]);
  }
  const parents = new Map<string, string[]>();
  for (const edge of dag.edges) {
    parents.set(edge.target, [...(parents.get(edge.target) ?? []), edge.source]);
  }
  const slot = new Map<string, number>();
  const placed: DagPlaced[] = [];
  for (const depth of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(depth) ?? [];
    const centre = (id: string): number => {
      const known = (parents.get(id) ?? []).map((p) => slot.get(p)).filter((x) => x !== undefined);
      return known.length ? known.reduce((a, b) => a + b, 0) / known.length : Infinity;
    };
    const ordered = [...row].sort((a, b) => centre(a) - centre(b) || a.localeCompare(b));
    const width = ordered.length * (NODE_WIDTH + GAP_X);
    ordered.forEach((id, i) => {
      const x = i * (NODE_WIDTH + GAP_X) - width / 2;
      slot.set(id, i - ordered.length / 2);
      placed.push({ id, x, y: depth * (NODE_HEIGHT + GAP_Y) });
    });
  }
  return placed;
}
