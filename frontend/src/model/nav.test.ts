import { describe, expect, it } from "vitest";

import { makeTree } from "./fixtures";
import { move } from "./nav";
import { indexTree } from "./tree";

describe("keyboard movement", () => {
  const index = indexTree(makeTree(2, 3));

  it("goes up to the parent and stops at the root", () => {
    expect(move(index, 5, "parent")).toBe(2);
    expect(move(index, 2, "parent")).toBe(1);
    expect(move(index, 1, "parent")).toBe(1);
  });

  it("goes down to the first child, or the one it came up from", () => {
    expect(move(index, 1, "child")).toBe(2);
    expect(move(index, 1, "child", new Map([[1, 4]]))).toBe(4);
    expect(move(index, 5, "child")).toBe(5);
  });

  it("moves across siblings and stops at the ends", () => {
    expect(move(index, 2, "nextSibling")).toBe(3);
    expect(move(index, 4, "nextSibling")).toBe(4);
    expect(move(index, 2, "prevSibling")).toBe(2);
  });
});
