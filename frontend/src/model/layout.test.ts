import { describe, expect, it } from "vitest";

import { makeTree } from "./fixtures";
import { inView, layoutTree, NODE_WIDTH, revealed } from "./layout";
import { indexTree } from "./tree";

describe("tidy layout", () => {
  it("places every node once, children below parents, siblings apart", () => {
    const index = indexTree(makeTree(3, 3));
    const { placed, edges } = layoutTree(index, new Set());
    expect(placed).toHaveLength(40);
    expect(edges).toHaveLength(39);
    const at = new Map(placed.map((p) => [p.id, p]));
    for (const edge of edges) {
      expect(at.get(edge.target)!.y).toBeGreaterThan(at.get(edge.source)!.y);
    }
    const byRow = new Map<number, number[]>();
    for (const p of placed) byRow.set(p.y, [...(byRow.get(p.y) ?? []), p.x]);
    for (const xs of byRow.values()) {
      xs.sort((a, b) => a - b);
      for (let i = 1; i < xs.length; i++)
        expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(NODE_WIDTH);
    }
  });

  it("hides what is under a collapsed node and counts it", () => {
    const index = indexTree(makeTree(3, 2));
    const { placed } = layoutTree(index, new Set([2]));
    expect(placed).toHaveLength(15 - 6);
    expect(placed.find((p) => p.id === 2)!.hidden).toBe(6);
  });

  it("lays out 2,000 nodes in well under a frame budget", () => {
    const index = indexTree(makeTree(10, 2));
    const start = performance.now();
    const { placed } = layoutTree(index, new Set());
    expect(placed).toHaveLength(2047);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it("keeps only the nodes inside the viewport", () => {
    const index = indexTree(makeTree(6, 2));
    const { placed } = layoutTree(index, new Set());
    const root = placed[0]!;
    const visible = inView(placed, { x: root.x, y: root.y, width: 10, height: 10 });
    expect(visible).toEqual([1]);
  });

  it("opens the collapsed ancestors of a node to reveal it", () => {
    const index = indexTree(makeTree(3, 2));
    expect([...revealed(index, new Set([1, 2, 5, 3]), 8)]).toEqual([5, 3]);
  });
});
