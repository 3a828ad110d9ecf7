// Keyboard movement over the tree: up to the parent, down to a child, across siblings.
import { childrenOf, siblingsOf, type TreeIndex } from "./tree";

export type Direction = "parent" | "child" | "prevSibling" | "nextSibling";

/** Where a move from `from` lands; `lastChild` remembers which child the user came up from. */
export function move(
  index: TreeIndex,
  from: number,
  direction: Direction,
  lastChild?: ReadonlyMap<number, number>,
): number {
  const node = index.nodes.get(from);
  if (!node) return from;
  switch (direction) {
    case "parent":
      return node.parent ?? from;
    case "child": {
      const children = childrenOf(index, from);
      const remembered = lastChild?.get(from);
      if (remembered !== undefined && children.includes(remembered)) return remembered;
      return children[0] ?? from;
    }
    case "prevSibling":
    case "nextSibling": {
      const siblings = siblingsOf(index, from);
      const at = siblings.indexOf(from);
      const step = direction === "nextSibling" ? 1 : -1;
      return siblings[at + step] ?? from;
    }
  }
}
