import { describe, expect, it } from "vitest";

import { apiNode, makeTree } from "./fixtures";
import {
  consensus,
  indexTree,
  pathTo,
  removeSubtree,
  searchNodes,
  siblingsOf,
  subtreeSize,
  upsertNode,
} from "./tree";

describe("tree index", () => {
  it("orders children by their order field and finds the root", () => {
    const index = indexTree([
      apiNode(1, null),
      apiNode(3, 1, { order: 1 }),
      apiNode(2, 1, { order: 0 }),
    ]);
    expect(index.root).toBe(1);
    expect(index.children.get(1)).toEqual([2, 3]);
  });

  it("leaves out deleted nodes and the subtrees under them", () => {
    const index = indexTree([
      apiNode(1, null),
      apiNode(2, 1, { is_deleted: true }),
      apiNode(3, 2),
      apiNode(4, 1),
    ]);
    expect([...index.nodes.keys()].sort()).toEqual([1, 4]);
  });

  it("gives the path from the root and the siblings of a node", () => {
    const index = indexTree(makeTree(3, 2));
    expect(pathTo(index, 15)).toEqual([1, 3, 7, 15]);
    expect(siblingsOf(index, 7)).toEqual([6, 7]);
    expect(pathTo(index, 999)).toEqual([]);
  });

  it("adds a new child in order without touching the old index", () => {
    const before = indexTree(makeTree(1, 2));
    const after = upsertNode(before, apiNode(9, 1, { order: -1 }));
    expect(after.children.get(1)).toEqual([9, 2, 3]);
    expect(before.children.get(1)).toEqual([2, 3]);
  });

  it("removes a whole subtree", () => {
    const index = removeSubtree(indexTree(makeTree(3, 2)), 2);
    expect(index.nodes.size).toBe(15 - 7);
    expect(index.children.get(1)).toEqual([3]);
    expect(subtreeSize(index, 1)).toBe(8);
  });

  it("finds the consensus label and treats ties as none", () => {
    expect(consensus({ "1": 2, "0": 1, "-1": 0 })).toBe(1);
    expect(consensus({ "1": 1, "0": 0, "-1": 1 })).toBeNull();
    expect(consensus({ "1": 0, "0": 0, "-1": 0 })).toBeNull();
    expect(consensus({ "1": 0, "0": 0, "-1": 3 })).toBe(-1);
  });

  it("searches step text case-insensitively", () => {
    const index = indexTree([
      apiNode(1, null, { text: "Question" }),
      apiNode(2, 1, { text: "16 - 3 = 13" }),
      apiNode(3, 1, { text: "The ANSWER is 13" }),
    ]);
    expect(searchNodes(index, "answer")).toEqual([3]);
    expect(searchNodes(index, "13")).toEqual([2, 3]);
    expect(searchNodes(index, "  ")).toEqual([]);
  });
});
