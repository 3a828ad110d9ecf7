// The merged step DAG (Steiner): steps that say the same thing share a vertex. A view of the
// tree, not a second truth: clicking a vertex selects one of its steps in the tree.
import { Background, Controls, ReactFlow, type Edge } from "@xyflow/react";
import { useMemo } from "react";

import { get } from "../api/client";
import { startCluster } from "../api/jobs";
import type { Dag } from "../api/types";
import { useFetch } from "../api/useFetch";
import { useSettled } from "../api/useSettled";
import { layoutDag } from "../model/dagLayout";
import { NODE_HEIGHT, NODE_WIDTH } from "../model/layout";
import { useWorkspace } from "./context";
import { VertexNodeView, type VertexFlowNode } from "./nodes/VertexNodeView";

const nodeTypes = { vertex: VertexNodeView };

export function DagCanvas() {
  const problemId = useWorkspace((s) => s.problem?.id ?? 0);
  const nodeCount = useWorkspace((s) => s.index.nodes.size);
  const clusterJobs = useWorkspace(
    (s) =>
      [...s.jobs.values()].filter((j) => j.kind === "cluster" && j.status === "succeeded").length,
  );
  const runJob = useWorkspace((s) => s.runJob);
  const select = useWorkspace((s) => s.select);
  // New steps arrive in bursts (k candidates at once): reload the DAG once they settle.
  const settledCount = useSettled(nodeCount, 800);
  const dag = useFetch(
    () => get<Dag>(`/problems/${problemId}/dag/`),
    [problemId, settledCount, clusterJobs],
  );
  const { nodes, edges } = useMemo(() => {
    if (!dag.data) return { nodes: [] as VertexFlowNode[], edges: [] as Edge[] };
    const byId = new Map(dag.data.vertices.map((v) => [v.id, v]));
    const placed = layoutDag(dag.data);
    return {
      nodes: placed.map((p) => ({
        id: p.id,
        type: "vertex" as const,
        position: { x: p.x, y: p.y },
        data: { vertex: byId.get(p.id)! },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        draggable: false,
      })),
      edges: dag.data.edges.map((e) => ({
        id: `${e.source}-${e.target}`,
        source: e.source,
        target: e.target,
        label: e.weight > 1 ? String(e.weight) : undefined,
      })),
    };
  }, [dag.data]);
  return (
    <div className="dag-view">
      <div className="dag-bar">
        {dag.data && !dag.data.clustered && (
          <span className="muted">Steps are not clustered yet: each vertex is one step.</span>
        )}
        {dag.data && (
          <span className="muted">
            {dag.data.vertices.length} vertices for {nodeCount} steps
          </span>
        )}
        <button onClick={() => void runJob(() => startCluster(problemId))}>
          Cluster similar steps
        </button>
      </div>
      <ReactFlow<VertexFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={(_, node) => {
          const first = node.data.vertex.members[0];
          if (first !== undefined) select(first);
        }}
        onlyRenderVisibleElements
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.1 }}
        minZoom={0.05}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
