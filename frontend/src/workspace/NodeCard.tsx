// The card every node type draws on the canvas. Text here is plain (React escapes it); the
// full Markdown + LaTeX rendering is in the path panel.
import { Handle, Position } from "@xyflow/react";
import { memo } from "react";

import { isActive } from "../api/jobStatus";
import { consensus } from "../model/tree";
import type { TreeNode } from "../model/types";
import { showsStaleValues, sourceClaimConflict } from "../model/verdict";
import { originIcon, RATING_CLASS, ratingText, summary, toneOf } from "./badges";
import { useWorkspace } from "./context";

function runningJobOn(
  jobs: ReadonlyMap<number, { node?: number | null; status?: string }>,
  id: number,
) {
  for (const job of jobs.values()) {
    if (job.node === id && isActive(job.status)) return true;
  }
  return false;
}

export const NodeCard = memo(function NodeCard({ id, label }: { id: number; label?: string }) {
  const node = useWorkspace((s) => s.index.nodes.get(id)) as TreeNode | undefined;
  const selected = useWorkspace((s) => s.selected === id);
  const collapsed = useWorkspace((s) => s.collapsed.has(id));
  const childCount = useWorkspace((s) => s.index.children.get(id)?.length ?? 0);
  const running = useWorkspace((s) => runningJobOn(s.jobs, id));
  const search = useWorkspace((s) => s.search.trim().toLowerCase());
  const toggle = useWorkspace((s) => s.toggleCollapse);
  if (!node) return null;
  const hit = search !== "" && node.text.toLowerCase().includes(search);
  const agreed = consensus(node.label_counts);
  const value = node.mc_soft;
  const claim = sourceClaimConflict(node);
  const classes = [
    "node-card",
    `kind-${node.kind}`,
    toneOf(node) && `tone-${toneOf(node)}`,
    selected && "selected",
    hit && "hit",
    running && "running",
    node.origin === "model" && "from-model",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={classes} data-node-id={id} data-testid={`node-${id}`}>
      {node.kind !== "root" && (
        <Handle type="target" position={Position.Top} isConnectable={false} />
      )}
      <div className="node-head">
        <span className="node-origin" title={`origin: ${node.origin}`}>
          {originIcon(node.origin)}
        </span>
        {label && <span className="node-label">{label}</span>}
        {node.kind === "answer" && node.correctness !== "unknown" && (
          <span className={`pill ${node.correctness}`} title={`verifier: ${node.correctness}`}>
            {node.correctness === "correct" ? "✓" : "✗"} {node.extracted_answer}
          </span>
        )}
        {claim && (
          <span className="chip source-claim" title={claim.title} data-testid="source-claim">
            {claim.text}
          </span>
        )}
        <span className="node-badges">
          {value !== null && value !== undefined && (
            <span
              className="value-chip"
              title={`Monte-Carlo value ${value.toFixed(2)} over ${node.rollout_count} rollouts`}
              style={{ background: `hsl(${Math.round(value * 120)}, 70%, 88%)` }}
            >
              v {value.toFixed(2)}
            </span>
          )}
          {showsStaleValues(node) && (
            <span
              className="chip stale"
              title="Computed before a step's text on this path changed; run rollouts again."
              data-testid="values-stale"
            >
              stale
            </span>
          )}
          {node.visits > 0 && (
            <span className="chip" title="MCTS visits">
              n {node.visits}
            </span>
          )}
          {agreed !== null && (
            <span className={`chip ${RATING_CLASS[String(agreed)]}`} title="consensus of experts">
              {ratingText(agreed)}
            </span>
          )}
          {node.my_label !== null && (
            <span className={`chip mine ${RATING_CLASS[String(node.my_label)]}`} title="my label">
              me {ratingText(node.my_label)}
            </span>
          )}
          {node.gold !== null && (
            <span className="chip gold" title="gold label from a reviewer">
              ★ {ratingText(node.gold)}
            </span>
          )}
          {running && <span className="spinner" title="a job is running here" />}
        </span>
      </div>
      <div className="node-text">{summary(node.text)}</div>
      {childCount > 0 && (
        <button
          className="collapse-toggle"
          title={collapsed ? "Expand subtree (c)" : "Collapse subtree (c)"}
          onClick={(event) => {
            event.stopPropagation();
            toggle(id);
          }}
        >
          {collapsed ? `+${childCount}` : "−"}
        </button>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});
