import type { NodeProps } from "@xyflow/react";
import { memo } from "react";

import { NodeCard } from "../NodeCard";
import type { FlowNode } from "../TreeCanvas";

/** A final answer, graded by the verifier. */
export const AnswerNodeView = memo(function AnswerNodeView({ data }: NodeProps<FlowNode>) {
  return <NodeCard id={data.id} label="Answer" />;
});
