// Label buttons for the selected step (+1 / 0 / −1), flag and note, with my current label.
import { useState } from "react";

import type { Rating } from "../model/types";
import { useWorkspace } from "./context";

const BUTTONS: { rating: Rating; text: string; key: string; tone: string; title: string }[] = [
  { rating: 1, text: "+1", key: "1", tone: "good", title: "Correct and useful" },
  {
    rating: 0,
    text: "0",
    key: "2",
    tone: "neutral",
    title: "Correct but no progress, or ambiguous",
  },
  { rating: -1, text: "−1", key: "3", tone: "bad", title: "Wrong" },
];

export function LabelBar() {
  const selected = useWorkspace((s) => s.selected);
  const node = useWorkspace((s) =>
    s.selected === null ? undefined : s.index.nodes.get(s.selected),
  );
  const label = useWorkspace((s) => s.label);
  const setPanel = useWorkspace((s) => s.setPanel);
  const deleteStep = useWorkspace((s) => s.deleteStep);
  const [note, setNote] = useState("");
  const [flagged, setFlagged] = useState(false);
  if (selected === null || !node) return null;
  const isRoot = node.kind === "root";
  const counts = node.label_counts;
  return (
    <section className="tool-block">
      <div className="tool-head">
        <h3>{isRoot ? "Question" : `Step ${node.depth}`}</h3>
        <span className="muted">
          experts: +1 × {counts["1"]} · 0 × {counts["0"]} · −1 × {counts["-1"]}
          {node.gold !== null && ` · gold ${node.gold}`}
        </span>
      </div>
      {!isRoot && (
        <div className="label-buttons" role="group" aria-label="My label">
          {BUTTONS.map((button) => (
            <button
              key={button.rating}
              className={`label-button ${button.tone}${node.my_label === button.rating ? " active" : ""}`}
              title={`${button.title} (${button.key})`}
              aria-pressed={node.my_label === button.rating}
              onClick={() =>
                void label(node.my_label === button.rating ? null : button.rating, {
                  note,
                  flagged,
                })
              }
            >
              {button.text} <kbd>{button.key}</kbd>
            </button>
          ))}
        </div>
      )}
      {!isRoot && (
        <div className="label-extra">
          <label>
            <input
              type="checkbox"
              checked={flagged}
              onChange={(e) => setFlagged(e.target.checked)}
            />
            flag
          </label>
          <input
            className="note"
            placeholder="Note (saved with my label)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
      )}
      <div className="step-buttons">
        {!isRoot && (
          <button onClick={() => setPanel("edit")}>
            Edit <kbd>e</kbd>
          </button>
        )}
        <button onClick={() => setPanel("add")}>
          Add next step <kbd>a</kbd>
        </button>
        {!isRoot && (
          <button className="danger" onClick={() => void deleteStep(selected)}>
            Delete
          </button>
        )}
      </div>
    </section>
  );
}
