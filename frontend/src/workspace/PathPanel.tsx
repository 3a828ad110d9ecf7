// The side panel: the whole path from the question to the selected step, rendered through
// the sanitizing Markdown component, and the tools for the selected step.
import { useEffect, useRef } from "react";
import { useShallow } from "zustand/react/shallow";

import { Markdown } from "../components/Markdown";
import { pathTo } from "../model/tree";
import { AddStepForm } from "./AddStepForm";
import { RATING_CLASS, ratingText } from "./badges";
import { useWorkspace } from "./context";
import { LabelBar } from "./LabelBar";
import { ModelActions } from "./ModelActions";
import { StepEditor } from "./StepEditor";

export function PathPanel() {
  const path = useWorkspace(
    useShallow((s) => (s.selected === null ? [] : pathTo(s.index, s.selected))),
  );
  const selected = useWorkspace((s) => s.selected);
  const panel = useWorkspace((s) => s.panel);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    listRef.current?.querySelector(".path-step.current")?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  return (
    <aside className="side-panel" aria-label="Path and step tools">
      <div className="side-scroll">
        <h2>Path</h2>
        <ol className="path" ref={listRef}>
          {path.map((id, depth) => (
            <PathStep key={id} id={id} depth={depth} current={id === selected} />
          ))}
        </ol>
      </div>
      <div className="side-tools">
        {/* Keyed by the step: an editor never carries one step's text over to another. */}
        {panel === "edit" && selected !== null && <StepEditor key={selected} nodeId={selected} />}
        {panel === "add" && selected !== null && <AddStepForm key={selected} parentId={selected} />}
        {panel === "view" && (
          <>
            <LabelBar key={selected} />
            <ModelActions />
          </>
        )}
      </div>
    </aside>
  );
}

function PathStep({ id, depth, current }: { id: number; depth: number; current: boolean }) {
  const node = useWorkspace((s) => s.index.nodes.get(id));
  const select = useWorkspace((s) => s.select);
  const suggestion = useWorkspace((s) => s.suggestions[String(id)]);
  const review = useWorkspace((s) => s.reviewSuggestion);
  if (!node) return null;
  return (
    <li
      className={`path-step${current ? " current" : ""}`}
      onClick={() => select(id)}
      data-testid={current ? "path-current" : undefined}
    >
      <div className="path-gutter">{node.kind === "root" ? "Q" : depth}</div>
      <div className="path-body">
        <Markdown text={node.text} />
        <div className="path-meta">
          <span className="muted">{node.origin}</span>
          {node.kind === "answer" && node.correctness !== "unknown" && (
            <span className={`pill ${node.correctness}`}>
              {node.correctness === "correct" ? "✓ correct" : "✗ incorrect"}
            </span>
          )}
          {node.my_label !== null && (
            <span className={`chip mine ${RATING_CLASS[String(node.my_label)]}`}>
              me {ratingText(node.my_label)}
            </span>
          )}
          {node.mc_soft !== null && (
            <span className="muted">
              value {node.mc_soft.toFixed(2)} ({node.rollout_count} rollouts)
            </span>
          )}
          {node.confidence !== null && (
            <span className="muted">confidence {node.confidence.toFixed(2)}</span>
          )}
          {suggestion && current && (
            <span className="suggestion">
              Model suggests {ratingText(suggestion.rating)} (first error)
              <button className="small" onClick={() => void review(suggestion.id, true)}>
                Confirm
              </button>
              <button className="small" onClick={() => void review(suggestion.id, false)}>
                Reject
              </button>
            </span>
          )}
        </div>
      </div>
    </li>
  );
}
