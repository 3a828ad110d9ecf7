// Small trees for the model's tests.
import type { ApiNode } from "./types";

export function apiNode(id: number, parent: number | null, fields: Partial<ApiNode> = {}): ApiNode {
  return {
    id,
    parent,
    text: `step ${id}`,
    kind: parent === null ? "root" : "step",
    origin: "human",
    author: null,
    source: "",
    confidence: null,
    token_count: null,
    depth: 0,
    order: id,
    is_terminal: false,
    extracted_answer: "",
    correctness: "unknown",
    source_correct: null,
    mc_soft: null,
    mc_hard: null,
    rollout_count: 0,
    score: null,
    visits: 0,
    value_sum: 0,
    values_stale: false,
    parts: {},
    cluster_id: null,
    label_counts: { "1": 0, "0": 0, "-1": 0 },
    gold: null,
    my_label: null,
    my_note: "",
    my_flagged: false,
    version: 1,
    is_deleted: false,
    job: null,
    ...fields,
  };
}

/** A complete tree of the given depth and width, ids in breadth-first order from 1. */
export function makeTree(depth: number, width: number): ApiNode[] {
  const nodes: ApiNode[] = [apiNode(1, null)];
  let level = [1];
  let next = 2;
  for (let d = 1; d <= depth; d++) {
    const below: number[] = [];
    for (const parent of level) {
      for (let w = 0; w < width; w++) {
        nodes.push(apiNode(next, parent, { depth: d, order: w }));
        below.push(next++);
      }
    }
    level = below;
  }
  return nodes;
}
