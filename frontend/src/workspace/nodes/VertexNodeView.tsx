import { Handle, Position, type NodeProps, type Node } from "@xyflow/react";
import { memo } from "react";

import type { DagVertex } from "../../api/types";
import { summary } from "../badges";
import { useWorkspace } from "../context";

export type VertexFlowNode = Node<{ vertex: DagVertex }, "vertex">;

/** One vertex of the step DAG: the steps that say the same thing, merged. */
export const VertexNodeView = memo(function VertexNodeView({ data }: NodeProps<VertexFlowNode>) {
  const { vertex } = data;
  const holdsSelection = useWorkspace(
    (s) => s.selected !== null && vertex.members.includes(s.selected),
  );
  const tone = vertex.correct ? "tone-good" : vertex.incorrect ? "tone-bad" : "";
  return (
    <div
      className={`node-card vertex ${tone}${holdsSelection ? " selected" : ""}${vertex.is_root ? " kind-root" : ""}`}
      data-testid={`vertex-${vertex.id}`}
    >
      {!vertex.is_root && <Handle type="target" position={Position.Top} isConnectable={false} />}
      <div className="node-head">
        <span className="chip" title="steps merged into this vertex">
          ×{vertex.members.length}
        </span>
        <span className="node-badges">
          <span
            className="chip"
            title="Steiner score (in/out degree, distance from question and to answer)"
          >
            s {vertex.score.toFixed(2)}
          </span>
          <span className="chip" title="in / out degree">
            {vertex.in_degree}↓ {vertex.out_degree}↑
          </span>
        </span>
      </div>
      <div className="node-text">{summary(vertex.text)}</div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});
