// Edit a step with a live preview. The draft lives in localStorage until it is saved; the save
// carries the version it was based on, and a 409 opens the conflict view.
import { useState } from "react";

import { Markdown } from "../components/Markdown";
import { useWorkspace } from "./context";
import { clearDraft, loadDraft, saveDraft } from "./drafts";

export function StepEditor({ nodeId }: { nodeId: number }) {
  const node = useWorkspace((s) => s.index.nodes.get(nodeId));
  const saveText = useWorkspace((s) => s.saveText);
  const setPanel = useWorkspace((s) => s.setPanel);
  // The version this edit started from: a newer version arriving meanwhile is a conflict.
  const [base] = useState(() => node?.version ?? 0);
  const [text, setText] = useState(() => loadDraft(`edit:${nodeId}`) ?? node?.text ?? "");
  const [saving, setSaving] = useState(false);
  if (!node) return null;

  const save = async () => {
    setSaving(true);
    const ok = await saveText(nodeId, text, base);
    setSaving(false);
    if (ok) clearDraft(`edit:${nodeId}`);
  };
  const cancel = () => {
    clearDraft(`edit:${nodeId}`);
    setPanel("view");
  };

  return (
    <section className="tool-block editor">
      <div className="tool-head">
        <h3>Edit step {node.depth}</h3>
        <span className="muted">version {base}</span>
      </div>
      <textarea
        aria-label="Step text"
        autoFocus
        rows={6}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          saveDraft(`edit:${nodeId}`, event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void save();
          if (event.key === "Escape") cancel();
        }}
      />
      <div className="preview-label muted">Preview</div>
      <div className="preview">
        <Markdown text={text} />
      </div>
      <div className="step-buttons">
        <button className="primary" disabled={saving || !text.trim()} onClick={() => void save()}>
          Save <kbd>Ctrl+Enter</kbd>
        </button>
        <button onClick={cancel}>Cancel</button>
      </div>
    </section>
  );
}
