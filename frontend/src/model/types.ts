// Domain types for the workspace. API shapes come from the generated OpenAPI types.
import type { components } from "../api/schema";

export type ApiNode = components["schemas"]["Node"];
export type ApiTree = components["schemas"]["Tree"];
export type Job = components["schemas"]["Job"];
export type Rating = 1 | 0 | -1;

interface NodeFields extends Omit<ApiNode, "kind"> {
  readonly childIds?: never;
}
/** The question at the top of a tree. */
export interface RootNode extends NodeFields {
  kind: "root";
}
/** One reasoning step. */
export interface StepNode extends NodeFields {
  kind: "step";
}
/** A step that states a final answer, graded by the verifier. */
export interface AnswerNode extends NodeFields {
  kind: "answer";
}
export type TreeNode = RootNode | StepNode | AnswerNode;
export type NodeKind = TreeNode["kind"];

export function toTreeNode(node: ApiNode): TreeNode {
  const kind: NodeKind =
    node.kind === "root" ? "root" : node.kind === "answer" || node.is_terminal ? "answer" : "step";
  return { ...node, kind } as TreeNode;
}

export function isRating(value: unknown): value is Rating {
  return value === 1 || value === 0 || value === -1;
}
