// A long thought's text as passages: each step's passage is linked to its node (click or Enter
// selects the node), the selected node's passage is highlighted and scrolled into view. Text
// between steps (transitions, Steiner tokens, the answer) is shown plainly. All text goes
// through the one sanitizing Markdown renderer.
import { useEffect, useRef } from "react";

import type { Passage, VisitAction } from "../../model/longthought";
import { tokenLabel, visibleSteinerPieces } from "../../model/longthought";
import { Markdown } from "../Markdown";

interface Props {
  passages: readonly Passage[];
  actions: ReadonlyMap<number, VisitAction>;
  steiner: boolean;
  selectedNodeId: number | null;
  onSelectNode: (id: number) => void;
}

const ACTION_TITLES: Record<VisitAction, string> = {
  proceed: "step on the way",
  backtrack: "wrong turn: the thought backtracks after this step",
  end: "the final step",
};

export function PassageText({ passages, actions, steiner, selectedNodeId, onSelectNode }: Props) {
  const selectedRef = useRef<HTMLDivElement | null>(null);
  const selectedIndex =
    selectedNodeId === null ? -1 : passages.findIndex((p) => p.nodeId === selectedNodeId);

  // Scrolling is a side effect on the DOM after the highlight is drawn.
  useEffect(() => {
    if (selectedIndex < 0) return;
    selectedRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [selectedIndex, selectedNodeId]);

  const stepNumbers: number[] = [];
  let count = 0;
  for (const passage of passages) {
    if (passage.nodeId !== null) count += 1;
    stepNumbers.push(count);
  }
  return (
    <div className="lt-text" data-testid="long-thought-text">
      {passages.map((passage, index) => {
        if (passage.nodeId === null) {
          return (
            <div key={`gap-${passage.start}`} className="lt-gap">
              {steiner ? <SteinerGap text={passage.text} /> : <Markdown text={passage.text} />}
            </div>
          );
        }
        const step = stepNumbers[index] ?? 0;
        const nodeId = passage.nodeId;
        const action = actions.get(nodeId) ?? "proceed";
        const selected = index === selectedIndex;
        const classes = ["lt-passage", `lt-${action}`, selected ? "selected" : ""];
        return (
          <div
            key={`step-${passage.start}`}
            ref={selected ? selectedRef : undefined}
            className={classes.filter(Boolean).join(" ")}
            role="button"
            tabIndex={0}
            aria-pressed={selected}
            data-node-id={nodeId}
            title={`Step ${step} (node ${nodeId}): ${ACTION_TITLES[action]}. Click to select it.`}
            onClick={() => onSelectNode(nodeId)}
            onKeyDown={(event) => {
              if (event.key === "Enter" || event.key === " ") {
                event.preventDefault();
                onSelectNode(nodeId);
              }
            }}
          >
            <span className="lt-step-no" aria-hidden>
              {step}
            </span>
            <Markdown text={passage.text} className="lt-step-text" />
            {action === "backtrack" && (
              <span className="lt-badge bad" aria-label="wrong turn">
                ↩ wrong turn
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}

function SteinerGap({ text }: { text: string }) {
  return (
    <div className="lt-steiner-gap">
      {visibleSteinerPieces(text).map((piece, index) =>
        piece.kind === "token" ? (
          <code
            key={index}
            className={`lt-token lt-token-${piece.name}`}
            title={`<|${piece.name}|>`}
          >
            {tokenLabel(piece.name)}
          </code>
        ) : (
          <Markdown key={index} text={piece.text} className="lt-steiner-text" />
        ),
      )}
    </div>
  );
}
