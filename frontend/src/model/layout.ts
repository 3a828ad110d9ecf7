// Tidy-tree layout (d3-hierarchy's `tree`, linear time) of the nodes not hidden under a
// collapsed subtree, and the edges between them.
import { hierarchy, tree as tidyTree } from "d3-hierarchy";

import { childrenOf, type TreeIndex } from "./tree";

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 92;
const GAP_X = 28;
const GAP_Y = 56;

export interface Placed {
  id: number;
  x: number;
  y: number;
  /** How many nodes are hidden below this one because it is collapsed. */
  hidden: number;
}

export interface Layout {
  placed: Placed[];
  edges: { id: string; source: number; target: number }[];
}

interface Item {
  id: number;
}

export function layoutTree(index: TreeIndex, collapsed: ReadonlySet<number>): Layout {
  if (index.root === null) return { placed: [], edges: [] };
  const root = hierarchy<Item>({ id: index.root }, (item) =>
    collapsed.has(item.id) ? null : childrenOf(index, item.id).map((id) => ({ id })),
  );
  tidyTree<Item>()
    .nodeSize([NODE_WIDTH + GAP_X, NODE_HEIGHT + GAP_Y])
    .separation((a, b) => (a.parent === b.parent ? 1 : 1.15))(root);
  const placed: Placed[] = [];
  const edges: Layout["edges"] = [];
  root.each((point) => {
    const id = point.data.id;
    placed.push({
      id,
      x: (point.x ?? 0) - NODE_WIDTH / 2,
      y: point.y ?? 0,
      hidden: collapsed.has(id) ? hiddenBelow(index, id) : 0,
    });
    if (point.parent) {
      const source = point.parent.data.id;
      edges.push({ id: `${source}-${id}`, source, target: id });
    }
  });
  return { placed, edges };
}

function hiddenBelow(index: TreeIndex, id: number): number {
  let count = 0;
  const stack = [...childrenOf(index, id)];
  while (stack.length) {
    const current = stack.pop() as number;
    count += 1;
    stack.push(...childrenOf(index, current));
  }
  return count;
}

/** Ids of the placed nodes that intersect the viewport rectangle (in flow coordinates). */
export function inView(
  placed: readonly Placed[],
  view: { x: number; y: number; width: number; height: number },
): number[] {
  return placed
    .filter(
      (p) =>
        p.x + NODE_WIDTH >= view.x &&
        p.x <= view.x + view.width &&
        p.y + NODE_HEIGHT >= view.y &&
        p.y <= view.y + view.height,
    )
    .map((p) => p.id);
}

/** Collapsed ids to add so that `id` is visible: every collapsed ancestor is opened. */
export function revealed(
  index: TreeIndex,
  collapsed: ReadonlySet<number>,
  id: number,
): Set<number> {
  const next = new Set(collapsed);
  let current = index.nodes.get(id);
  while (current && current.parent !== null) {
    next.delete(current.parent);
    current = index.nodes.get(current.parent);
  }
  return next;
}
