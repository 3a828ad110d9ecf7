import type { NodeProps } from "@xyflow/react";
import { memo } from "react";

import { NodeCard } from "../NodeCard";
import type { FlowNode } from "../TreeCanvas";

/** The question at the top of the tree. */
export const RootNodeView = memo(function RootNodeView({ data }: NodeProps<FlowNode>) {
  return <NodeCard id={data.id} label="Question" />;
});
