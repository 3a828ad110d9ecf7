// A tree as an immutable index: nodes by id and ordered children. Every update returns a new
// index that shares what did not change.
import { toTreeNode, type ApiNode, type Rating, type TreeNode } from "./types";

export interface TreeIndex {
  readonly root: number | null;
  readonly nodes: ReadonlyMap<number, TreeNode>;
  readonly children: ReadonlyMap<number, readonly number[]>;
}

function byOrder(nodes: ReadonlyMap<number, TreeNode>) {
  return (a: number, b: number): number => {
    const x = nodes.get(a);
    const y = nodes.get(b);
    return (x?.order ?? 0) - (y?.order ?? 0) || a - b;
  };
}

export function indexTree(apiNodes: readonly ApiNode[]): TreeIndex {
  const nodes = new Map<number, TreeNode>();
  const children = new Map<number, number[]>();
  let root: number | null = null;
  // Parents first, so a node under a deleted (left out) parent is left out too.
  const ordered = [...apiNodes].sort((a, b) => a.depth - b.depth);
  for (const apiNode of ordered) {
    if (apiNode.is_deleted) continue;
    if (apiNode.parent !== null && !nodes.has(apiNode.parent)) continue;
    nodes.set(apiNode.id, toTreeNode(apiNode));
  }
  for (const node of nodes.values()) {
    if (node.parent === null) {
      root = node.id;
      continue;
    }
    const list = children.get(node.parent);
    if (list) list.push(node.id);
    else children.set(node.parent, [node.id]);
  }
  const order = byOrder(nodes);
  for (const list of children.values()) list.sort(order);
  return { root, nodes, children };
}

export function childrenOf(index: TreeIndex, id: number): readonly number[] {
  return index.children.get(id) ?? [];
}

/** Add or replace one node (a created or updated step). A deleted node leaves the index. */
export function upsertNode(index: TreeIndex, apiNode: ApiNode): TreeIndex {
  if (apiNode.is_deleted) return removeSubtree(index, apiNode.id);
  const node = toTreeNode(apiNode);
  const nodes = new Map(index.nodes);
  const existed = nodes.has(node.id);
  nodes.set(node.id, node);
  if (node.parent === null) return { ...index, nodes, root: node.id };
  if (existed) return { ...index, nodes };
  if (!nodes.has(node.parent)) return index; // its parent is hidden or unknown: resync later
  const children = new Map(index.children);
  const list = [...(children.get(node.parent) ?? []), node.id].sort(byOrder(nodes));
  children.set(node.parent, list);
  return { ...index, nodes, children };
}

/** Drop a node and everything below it (a soft-deleted step). */
export function removeSubtree(index: TreeIndex, id: number): TreeIndex {
  const target = index.nodes.get(id);
  if (!target) return index;
  const nodes = new Map(index.nodes);
  const children = new Map(index.children);
  const stack = [id];
  while (stack.length) {
    const current = stack.pop() as number;
    nodes.delete(current);
    stack.push(...(children.get(current) ?? []));
    children.delete(current);
  }
  if (target.parent !== null) {
    children.set(
      target.parent,
      (children.get(target.parent) ?? []).filter((child) => child !== id),
    );
  }
  return { root: target.parent === null ? null : index.root, nodes, children };
}

/** Replace fields of one node, leaving the structure alone. */
export function patchNode(
  index: TreeIndex,
  id: number,
  patch: Partial<Omit<TreeNode, "id" | "parent" | "kind">>,
): TreeIndex {
  const node = index.nodes.get(id);
  if (!node) return index;
  const nodes = new Map(index.nodes);
  nodes.set(id, { ...node, ...patch } as TreeNode);
  return { ...index, nodes };
}

/** The ids from the root down to `id` (empty when the node is unknown). */
export function pathTo(index: TreeIndex, id: number): number[] {
  const path: number[] = [];
  let current: TreeNode | undefined = index.nodes.get(id);
  while (current) {
    path.push(current.id);
    current = current.parent === null ? undefined : index.nodes.get(current.parent);
  }
  return path.reverse();
}

export function siblingsOf(index: TreeIndex, id: number): readonly number[] {
  const node = index.nodes.get(id);
  if (!node || node.parent === null) return [id];
  return childrenOf(index, node.parent);
}

export function subtreeSize(index: TreeIndex, id: number): number {
  let count = 0;
  const stack = [id];
  while (stack.length) {
    const current = stack.pop() as number;
    count += 1;
    stack.push(...childrenOf(index, current));
  }
  return count;
}

/** The majority label among experts (ties and no labels give null). */
export function consensus(counts: ApiNode["label_counts"]): Rating | null {
  const entries: [Rating, number][] = [
    [1, counts["1"]],
    [0, counts["0"]],
    [-1, counts["-1"]],
  ];
  entries.sort((a, b) => b[1] - a[1]);
  const [first, second] = entries;
  if (!first || first[1] === 0 || (second && second[1] === first[1])) return null;
  return first[0];
}

/** Nodes whose text contains `query` (case-insensitive). */
export function searchNodes(index: TreeIndex, query: string): number[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  const hits: number[] = [];
  for (const node of index.nodes.values()) {
    if (node.text.toLowerCase().includes(needle)) hits.push(node.id);
  }
  return hits.sort((a, b) => a - b);
}
