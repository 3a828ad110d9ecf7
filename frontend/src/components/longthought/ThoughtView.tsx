// One long thought: its status and figures, review buttons, the text as passages linked to the
// tree (or the editor), and its revisions.
import { useMemo, useState } from "react";

import { ApiError, post } from "../../api/client";
import type { LongThought } from "../../api/types";
import type { Draft } from "../../model/longthought";
import {
  canReview,
  linkedSteps,
  loadDraft,
  planActions,
  thoughtPassages,
} from "../../model/longthought";
import { ErrorNote } from "../ErrorNote";
import { PassageText } from "./PassageText";
import { Revisions } from "./Revisions";
import { SmoothButton } from "./SmoothButton";
import { ThoughtEditor } from "./ThoughtEditor";

interface Props {
  thought: LongThought;
  role: string | null;
  selectedNodeId: number | null;
  onSelectNode: (id: number) => void;
  /** The thought changed on the server (saved, reviewed): show this copy and reload the list. */
  onChanged: (thought: LongThought) => void;
  /** A new long thought was made from this one (smoothed): show it. */
  onCreated: (thoughtId: number) => void;
}

function readDraft(id: number): Draft | null {
  return typeof localStorage === "undefined" ? null : loadDraft(localStorage, id);
}

export function ThoughtView({
  thought,
  role,
  selectedNodeId,
  onSelectNode,
  onChanged,
  onCreated,
}: Props) {
  // A draft left from an earlier visit reopens the editor with it: nothing typed is lost.
  const [editing, setEditing] = useState<{ draft: Draft | null } | null>(() => {
    const draft = readDraft(thought.id);
    return draft ? { draft } : null;
  });
  const [reviewing, setReviewing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const passages = useMemo(() => thoughtPassages(thought), [thought]);
  const actions = useMemo(() => planActions(thought.plan), [thought.plan]);
  const links = useMemo(() => linkedSteps(thought), [thought]);
  const selectedHere =
    selectedNodeId !== null && passages.some((passage) => passage.nodeId === selectedNodeId);
  const reflections = (thought.stats as { reflections?: number } | null)?.reflections ?? 0;

  async function review(status: "approved" | "rejected") {
    setReviewing(true);
    setError(null);
    try {
      const reviewed = await post<LongThought>(`/long-thoughts/${thought.id}/review/`, {
        status,
        version: thought.version,
      });
      onChanged(reviewed);
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 409 && reason.body.current) {
        setError(
          "This long thought was edited since you opened it; the new text is shown now. Read it, then review again.",
        );
        onChanged(reason.body.current as LongThought);
      } else {
        setError(reason instanceof Error ? reason.message : String(reason));
      }
    } finally {
      setReviewing(false);
    }
  }

  return (
    <article className="lt-view" aria-label={`Long thought ${thought.id}`}>
      <header className="lt-view-head">
        <div className="lt-view-title">
          <span className={`pill ${thought.status}`} data-testid="long-thought-status">
            {thought.status}
          </span>
          <strong>
            {thought.style === "journey" ? "Journey" : "Shortcut"} ·{" "}
            {thought.render === "steiner" ? "Steiner" : thought.render}
          </strong>
          <span className="muted mono">
            #{thought.id} · v{thought.version}
          </span>
          {thought.edited_text && <span className="pill">edited</span>}
          {thought.render === "smoothed" && <SmoothedFrom params={thought.params} />}
        </div>
        <div className="lt-figures">
          <Figure value={thought.token_count ?? "—"} label="tokens" />
          <Figure value={thought.line_count} label={thought.line_count === 1 ? "line" : "lines"} />
          <Figure
            value={thought.backtracks}
            label={thought.backtracks === 1 ? "backtrack" : "backtracks"}
          />
          <Figure value={reflections} label={reflections === 1 ? "reflection" : "reflections"} />
        </div>
        <div className="lt-view-actions">
          {!editing && <SmoothButton thought={thought} onSmoothed={onCreated} onError={setError} />}
          {!editing && (
            <button
              onClick={() => setEditing({ draft: null })}
              title="Edit the text; a draft is kept in this browser until saved"
            >
              Edit
            </button>
          )}
          {canReview(role) && (
            <>
              <button
                className="lt-approve"
                disabled={reviewing || editing !== null || thought.status === "approved"}
                onClick={() => void review("approved")}
              >
                ✓ Approve
              </button>
              <button
                className="danger"
                disabled={reviewing || editing !== null || thought.status === "rejected"}
                onClick={() => void review("rejected")}
              >
                ✕ Reject
              </button>
            </>
          )}
        </div>
      </header>
      <ErrorNote error={error} />
      {editing ? (
        <ThoughtEditor
          thought={thought}
          draft={editing.draft}
          onSaved={(saved) => {
            setEditing(null);
            onChanged(saved);
          }}
          onClose={() => setEditing(null)}
        />
      ) : (
        <>
          <div className="lt-hint muted">
            {links.total > 0 && links.linked < links.total
              ? `${links.linked} of ${links.total} steps still match the tree after the edits; `
              : ""}
            Click a step to select it in the tree.
            {selectedNodeId !== null &&
              !selectedHere &&
              " The selected step is not part of this long thought."}
          </div>
          <PassageText
            passages={passages}
            actions={actions}
            steiner={thought.render === "steiner"}
            selectedNodeId={selectedNodeId}
            onSelectNode={onSelectNode}
          />
        </>
      )}
      <Revisions thoughtId={thought.id} version={thought.version} />
    </article>
  );
}

function Figure({ value, label }: { value: number | string; label: string }) {
  return (
    <span className="lt-figure">
      <strong>{value}</strong> <span className="muted">{label}</span>
    </span>
  );
}

/** What the smoothing pass changed: how many passages the model rewrote, from which thought. */
function SmoothedFrom({ params }: { params: unknown }) {
  const {
    rewritten = 0,
    kept = 0,
    smoothed_from: source,
  } = (params ?? {}) as {
    rewritten?: number;
    kept?: number;
    smoothed_from?: number;
  };
  return (
    <span className="muted" title="Rewrites that changed a number were dropped">
      {rewritten} of {rewritten + kept} passages rewritten, from #{source}
    </span>
  );
}
