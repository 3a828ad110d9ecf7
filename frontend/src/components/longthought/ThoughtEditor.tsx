// Edit a long thought's text. Every keystroke is kept as a local draft (localStorage) until it
// is saved or dropped, so a reload loses nothing; saving sends the version the edit started
// from, and when someone saved first (409) both texts are shown side by side to choose from.
import { useState } from "react";

import { ApiError, patch } from "../../api/client";
import type { LongThought } from "../../api/types";
import type { Draft } from "../../model/longthought";
import { dropDraft, saveDraft } from "../../model/longthought";
import { ErrorNote } from "../ErrorNote";
import { Markdown } from "../Markdown";

interface Props {
  thought: LongThought;
  /** A draft found in storage when the editor opened (it wins over the saved text). */
  draft: Draft | null;
  onSaved: (thought: LongThought) => void;
  onClose: () => void;
}

export function ThoughtEditor({ thought, draft, onSaved, onClose }: Props) {
  const [text, setText] = useState(draft?.text ?? thought.text);
  const [baseVersion, setBaseVersion] = useState(draft?.version ?? thought.version);
  const [conflict, setConflict] = useState<LongThought | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const changed = text !== thought.text || baseVersion !== thought.version;

  function edit(value: string) {
    setText(value);
    saveDraft(localStorage, thought.id, {
      text: value,
      version: baseVersion,
      savedAt: new Date().toISOString(),
    });
  }

  async function save(version: number) {
    setSaving(true);
    setError(null);
    try {
      const saved = await patch<LongThought>(`/long-thoughts/${thought.id}/`, {
        edited_text: text,
        version,
      });
      dropDraft(localStorage, thought.id);
      setConflict(null);
      onSaved(saved);
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 409 && reason.body.current) {
        setConflict(reason.body.current as LongThought);
      } else {
        setError(reason instanceof Error ? reason.message : String(reason));
      }
    } finally {
      setSaving(false);
    }
  }

  function keepMine() {
    if (!conflict) return;
    // Mine now answers their version: saving it replaces theirs (theirs stays a revision).
    setBaseVersion(conflict.version);
    saveDraft(localStorage, thought.id, {
      text,
      version: conflict.version,
      savedAt: new Date().toISOString(),
    });
    void save(conflict.version);
  }

  function takeTheirs() {
    if (!conflict) return;
    dropDraft(localStorage, thought.id);
    onSaved(conflict);
  }

  function discard() {
    dropDraft(localStorage, thought.id);
    onClose();
  }

  return (
    <div className="lt-editor">
      {draft && !conflict && (
        <div className="lt-note" role="status">
          Restored your unsaved draft
          {draft.savedAt ? ` from ${new Date(draft.savedAt).toLocaleString()}` : ""} (started from
          version {draft.version}).
        </div>
      )}
      {conflict ? (
        <div className="lt-conflict" role="alert">
          <div className="lt-conflict-head">
            <strong>Someone saved this long thought while you were editing.</strong> Version{" "}
            {conflict.version} is now saved; your edit started from version {baseVersion}. Choose
            which text to keep, or change yours and save it over theirs.
          </div>
          <div className="lt-conflict-sides">
            <div>
              <h4>Your text (not saved)</h4>
              <textarea
                aria-label="Your text"
                value={text}
                rows={12}
                onChange={(event) => edit(event.target.value)}
              />
            </div>
            <div>
              <h4>Saved text (version {conflict.version})</h4>
              <div className="lt-theirs">
                <Markdown text={conflict.text} />
              </div>
            </div>
          </div>
          <div className="lt-editor-actions">
            <button className="primary" disabled={saving} onClick={keepMine}>
              Save mine over it
            </button>
            <button disabled={saving} onClick={takeTheirs}>
              Take theirs (drop mine)
            </button>
          </div>
        </div>
      ) : (
        <>
          <textarea
            aria-label="Long thought text"
            name="long_thought_text"
            value={text}
            rows={14}
            onChange={(event) => edit(event.target.value)}
            onKeyDown={(event) => {
              if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
                event.preventDefault();
                void save(baseVersion);
              }
            }}
          />
          <div className="lt-editor-actions">
            <button
              className="primary"
              disabled={saving || !text.trim()}
              onClick={() => void save(baseVersion)}
            >
              {saving ? "Saving…" : "Save"}
            </button>
            <button disabled={saving} onClick={discard}>
              {changed ? "Discard changes" : "Cancel"}
            </button>
            <span className="muted">
              <kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves · the draft is kept in this browser until saved
              · saving an approved thought sets it back to draft
            </span>
          </div>
        </>
      )}
      <ErrorNote error={error} />
    </div>
  );
}
