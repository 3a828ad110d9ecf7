import { describe, expect, it } from "vitest";

import { layoutDag } from "./dagLayout";
import { NODE_WIDTH } from "./layout";

describe("DAG layout", () => {
  const dag = {
    vertices: [
      { id: "q", depth: 0 },
      { id: "a", depth: 1 },
      { id: "b", depth: 1 },
      { id: "m", depth: 2 },
      { id: "x", depth: 2 },
    ],
    edges: [
      { source: "q", target: "a" },
      { source: "q", target: "b" },
      { source: "a", target: "m" },
      { source: "b", target: "m" },
      { source: "b", target: "x" },
    ],
  };

  it("puts each depth on its own row and keeps vertices in a row apart", () => {
    const placed = new Map(layoutDag(dag).map((p) => [p.id, p]));
    expect(placed.size).toBe(5);
    expect(placed.get("a")!.y).toBe(placed.get("b")!.y);
    expect(placed.get("m")!.y).toBeGreaterThan(placed.get("a")!.y);
    expect(Math.abs(placed.get("m")!.x - placed.get("x")!.x)).toBeGreaterThanOrEqual(NODE_WIDTH);
  });

  it("orders a row by the position of the parents (a merge sits before b's own child)", () => {
    const placed = new Map(layoutDag(dag).map((p) => [p.id, p]));
    expect(placed.get("m")!.x).toBeLessThan(placed.get("x")!.x);
  });
});
