import type { NodeProps } from "@xyflow/react";
import { memo } from "react";

import { NodeCard } from "../NodeCard";
import type { FlowNode } from "../TreeCanvas";

/** One reasoning step. */
export const StepNodeView = memo(function StepNodeView({ data }: NodeProps<FlowNode>) {
  return <NodeCard id={data.id} />;
});
