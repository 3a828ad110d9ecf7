// The tree canvas: React Flow over the tidy layout. Only nodes in view are rendered, each
// node reads its own data from the store, and keyboard moves bring the selection into view.
import "@xyflow/react/dist/style.css";

import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Edge,
  type Node,
  type NodeMouseHandler,
} from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";

import { layoutTree, NODE_HEIGHT, NODE_WIDTH } from "../model/layout";
import type { NodeKind } from "../model/types";
import { toneOf } from "./badges";
import { useWorkspace, useWorkspaceStore } from "./context";
import { AnswerNodeView } from "./nodes/AnswerNodeView";
import { RootNodeView } from "./nodes/RootNodeView";
import { StepNodeView } from "./nodes/StepNodeView";

export type FlowNode = Node<{ id: number }, NodeKind>;

const nodeTypes = { root: RootNodeView, step: StepNodeView, answer: AnswerNodeView };
const MINIMAP_COLORS: Record<string, string> = {
  good: "#86efac",
  bad: "#fca5a5",
  neutral: "#fcd34d",
};

export function TreeCanvas({ onFitReady }: { onFitReady: (fit: () => void) => void }) {
  const root = useWorkspace((s) => s.index.root);
  const children = useWorkspace((s) => s.index.children);
  const nodesById = useWorkspace((s) => s.index.nodes);
  const collapsed = useWorkspace((s) => s.collapsed);
  const focusTick = useWorkspace((s) => s.focusTick);
  const store = useWorkspaceStore();
  const flow = useReactFlow();

  // The layout depends only on the structure, not on labels or text.
  const layout = useMemo(
    () => layoutTree({ root, children, nodes: nodesById }, collapsed),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [root, children, collapsed, nodesById.size],
  );
  const nodes = useMemo<FlowNode[]>(
    () =>
      layout.placed.map((p) => ({
        id: String(p.id),
        type: nodesById.get(p.id)?.kind ?? "step",
        position: { x: p.x, y: p.y },
        data: { id: p.id },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        draggable: false,
        connectable: false,
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [layout],
  );
  const edges = useMemo<Edge[]>(
    () =>
      layout.edges.map((e) => ({
        id: e.id,
        source: String(e.source),
        target: String(e.target),
        type: "smoothstep",
      })),
    [layout],
  );

  useEffect(() => {
    onFitReady(() => void flow.fitView({ duration: 200, maxZoom: 1, padding: 0.1 }));
  }, [flow, onFitReady]);

  // First view of a tree: all of it when it is small, its top when it is large.
  const [framed, setFramed] = useState(false);
  const hasNodes = layout.placed.length > 0;
  useEffect(() => {
    if (framed || !hasNodes) return;
    const frame = window.requestAnimationFrame(() => {
      const top = layout.placed[0];
      if (layout.placed.length <= 60 || !top) {
        void flow.fitView({ maxZoom: 1, padding: 0.1 });
      } else {
        void flow.setCenter(top.x + NODE_WIDTH / 2, top.y + 300, { zoom: 0.8 });
      }
      setFramed(true);
    });
    return () => window.cancelAnimationFrame(frame);
  }, [framed, hasNodes, flow, layout]);

  // Bring the selection into view after a keyboard move.
  useEffect(() => {
    if (focusTick === 0) return;
    const selected = store.getState().selected;
    const placed = layout.placed.find((p) => p.id === selected);
    if (!placed) return;
    const { x, y, zoom } = flow.getViewport();
    const element = document.querySelector(".react-flow");
    const width = element?.clientWidth ?? 800;
    const height = element?.clientHeight ?? 600;
    const left = placed.x * zoom + x;
    const top = placed.y * zoom + y;
    const margin = 40;
    const outside =
      left < margin ||
      top < margin ||
      left + NODE_WIDTH * zoom > width - margin ||
      top + NODE_HEIGHT * zoom > height - margin;
    if (outside) {
      void flow.setCenter(placed.x + NODE_WIDTH / 2, placed.y + NODE_HEIGHT / 2, {
        zoom,
        duration: 150,
      });
    }
  }, [focusTick, flow, layout, store]);

  const onNodeClick: NodeMouseHandler<FlowNode> = (_, node) =>
    store.getState().select(node.data.id);

  return (
    <ReactFlow<FlowNode, Edge>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodeClick={onNodeClick}
      onlyRenderVisibleElements
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      defaultViewport={{ x: 400, y: 40, zoom: 0.85 }}
      minZoom={0.05}
      maxZoom={2}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={24} size={1} />
      <Controls showInteractive={false} />
      <MiniMap
        pannable
        zoomable
        nodeColor={(node) => {
          const card = nodesById.get(Number(node.id));
          if (!card) return "#e5e7eb";
          if (card.kind === "answer" && card.correctness !== "unknown")
            return card.correctness === "correct" ? "#22c55e" : "#ef4444";
          return MINIMAP_COLORS[toneOf(card)] ?? "#cbd5e1";
        }}
      />
    </ReactFlow>
  );
}
