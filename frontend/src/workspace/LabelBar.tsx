// My label on the selected step: +1 / 0 / −1, a flag and a note, each saved on its own (the
// same optimistic, undoable write as the rating). A note or flag needs a rating first.
import { useRef, useState, type ChangeEvent, type KeyboardEvent } from "react";

import type { Rating } from "../model/types";
import { useWorkspace } from "./context";
import { clearDraft, loadDraft, saveDraft } from "./drafts";

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

/** Hand the keyboard back to the workspace's shortcuts. */
function release(element: HTMLElement): void {
  element.blur();
}

export function LabelBar() {
  const selected = useWorkspace((s) => s.selected);
  const node = useWorkspace((s) =>
    s.selected === null ? undefined : s.index.nodes.get(s.selected),
  );
  const label = useWorkspace((s) => s.label);
  const changeLabel = useWorkspace((s) => s.changeLabel);
  const setPanel = useWorkspace((s) => s.setPanel);
  const deleteStep = useWorkspace((s) => s.deleteStep);
  // The bar is keyed by the selected step, so this draft is this step's note being typed
  // (null: not editing, the saved note shows). It survives a reload in localStorage.
  const [draft, setDraft] = useState<string | null>(() =>
    selected === null ? null : loadDraft(`note:${selected}`),
  );
  const reverting = useRef(false);
  if (selected === null || !node) return null;
  const isRoot = node.kind === "root";
  const counts = node.label_counts;
  const labelled = node.my_label !== null;
  const savedNote = node.my_note ?? "";
  const note = draft ?? savedNote;
  const unsaved = draft !== null && draft !== savedNote;
  const nodeId = node.id;

  const saveNote = async () => {
    if (draft === null) return;
    const text = draft;
    setDraft(null);
    if (text === savedNote) {
      clearDraft(`note:${nodeId}`);
      return;
    }
    if (await changeLabel(nodeId, { note: text })) clearDraft(`note:${nodeId}`);
    else setDraft(text); // refused or failed: the text stays where it was typed
  };
  const onNoteKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      release(event.currentTarget); // saves on blur
    } else if (event.key === "Escape") {
      reverting.current = true;
      release(event.currentTarget);
    }
  };
  const onNoteBlur = () => {
    if (reverting.current) {
      reverting.current = false;
      setDraft(null);
      clearDraft(`note:${nodeId}`);
      return;
    }
    void saveNote();
  };
  const onNoteChange = (event: ChangeEvent<HTMLTextAreaElement>) => {
    setDraft(event.target.value);
    saveDraft(`note:${nodeId}`, event.target.value);
  };
  const onFlag = (event: ChangeEvent<HTMLInputElement>) => {
    void changeLabel(nodeId, { flagged: event.target.checked });
    release(event.currentTarget);
  };

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
              onClick={() => void label(button.rating)}
            >
              {button.text} <kbd>{button.key}</kbd>
            </button>
          ))}
        </div>
      )}
      {!isRoot && (
        <div className="label-extra">
          <div className="label-extra-row">
            <label title="Flag this step for a reviewer (!)">
              <input
                type="checkbox"
                checked={node.my_flagged ?? false}
                disabled={!labelled}
                onChange={onFlag}
              />
              flag <kbd>!</kbd>
            </label>
            {labelled && (
              <button
                className="small"
                title="Clear my label, with its note and flag (0)"
                onClick={(event) => {
                  void label(null);
                  release(event.currentTarget);
                }}
              >
                Clear <kbd>0</kbd>
              </button>
            )}
          </div>
          <textarea
            className="note"
            aria-label="My note"
            rows={2}
            placeholder={labelled ? "Note: Enter saves, Shift+Enter a new line" : "Label first"}
            value={note}
            disabled={!labelled && draft === null}
            onChange={onNoteChange}
            onKeyDown={onNoteKey}
            onBlur={onNoteBlur}
          />
          <div className="label-extra-row">
            {labelled ? (
              <span className="muted" data-testid="note-status">
                {unsaved ? "unsaved note" : savedNote ? "note saved" : ""}
              </span>
            ) : (
              <span className="muted" role="note">
                Label this step first (1, 2 or 3) to add a note or flag.
              </span>
            )}
            {labelled && (
              <button
                className="small"
                disabled={!unsaved}
                onClick={(event) => {
                  void saveNote();
                  release(event.currentTarget);
                }}
              >
                Save note
              </button>
            )}
          </div>
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
