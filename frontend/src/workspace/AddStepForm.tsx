// Write my own next step below the selected node (a step, or a final answer).
import { useState } from "react";

import { Markdown } from "../components/Markdown";
import { useWorkspace } from "./context";
import { clearDraft, loadDraft, saveDraft } from "./drafts";

export function AddStepForm({ parentId }: { parentId: number }) {
  const addStep = useWorkspace((s) => s.addStep);
  const setPanel = useWorkspace((s) => s.setPanel);
  const [text, setText] = useState(() => loadDraft(`add:${parentId}`) ?? "");
  const [kind, setKind] = useState<"step" | "answer">("step");
  const [saving, setSaving] = useState(false);

  const save = async () => {
    setSaving(true);
    const node = await addStep(parentId, text, kind);
    setSaving(false);
    if (node) clearDraft(`add:${parentId}`);
  };

  return (
    <section className="tool-block editor">
      <div className="tool-head">
        <h3>Add my next step</h3>
        <label>
          <input
            type="checkbox"
            checked={kind === "answer"}
            onChange={(event) => setKind(event.target.checked ? "answer" : "step")}
          />
          final answer
        </label>
      </div>
      <textarea
        aria-label="New step text"
        autoFocus
        rows={5}
        placeholder="Write the next step (Markdown and $LaTeX$)…"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          saveDraft(`add:${parentId}`, event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void save();
          if (event.key === "Escape") setPanel("view");
        }}
      />
      {text && (
        <div className="preview">
          <Markdown text={text} />
        </div>
      )}
      <div className="step-buttons">
        <button className="primary" disabled={saving || !text.trim()} onClick={() => void save()}>
          Add <kbd>Ctrl+Enter</kbd>
        </button>
        <button onClick={() => setPanel("view")}>Cancel</button>
      </div>
    </section>
  );
}
