// The workspace's "Long thought" tab: the problem's long thoughts, a form to derive a new one
// (a Job with progress), and the selected one's text with each passage linked to its node.
import "./longthought.css";

import { useState } from "react";

import { get } from "../../api/client";
import type { LongThought, Page } from "../../api/types";
import { useFetch } from "../../api/useFetch";
import { ErrorNote } from "../ErrorNote";
import { DeriveForm } from "./DeriveForm";
import { ThoughtList } from "./ThoughtList";
import { ThoughtView } from "./ThoughtView";

export interface LongThoughtTabProps {
  problemId: number;
  selectedNodeId: number | null;
  onSelectNode: (id: number) => void;
  role: string | null;
}

export function LongThoughtTab({
  problemId,
  selectedNodeId,
  onSelectNode,
  role,
}: LongThoughtTabProps) {
  const list = useFetch(
    () => get<Page<LongThought>>(`/problems/${problemId}/long-thoughts/?limit=100`),
    [problemId],
  );
  // The chosen thought belongs to one problem; on another problem the newest is shown.
  const [choice, setChoice] = useState<{ problemId: number; id: number } | null>(null);
  // Copies the server sent back after a save or review, newer than the list until it reloads.
  const [fresh, setFresh] = useState<Record<number, LongThought>>({});
  const [deriveOpen, setDeriveOpen] = useState(false);

  const thoughts = (list.data?.results ?? []).map((item) => newest(item, fresh[item.id]));
  const chosenId = choice?.problemId === problemId ? choice.id : null;
  const selected = thoughts.find((item) => item.id === chosenId) ?? thoughts[0] ?? null;

  // The form is open on request, and always while there is nothing else to show.
  const showDerive = deriveOpen || (list.data !== undefined && thoughts.length === 0);

  const changed = (thought: LongThought) => {
    setFresh((current) => ({ ...current, [thought.id]: thought }));
    list.reload();
  };

  return (
    <div className="lt-tab">
      <aside className="lt-side">
        <div className="lt-side-head">
          <h3>Long thoughts</h3>
          <button
            className="small"
            aria-expanded={showDerive}
            onClick={() => setDeriveOpen(!showDerive)}
          >
            {showDerive ? "Close" : "+ Derive…"}
          </button>
        </div>
        {showDerive && (
          <DeriveForm
            problemId={problemId}
            onDerived={(id) => {
              if (id !== null) setChoice({ problemId, id });
              setDeriveOpen(false);
              list.reload();
            }}
          />
        )}
        <ErrorNote error={list.error} />
        {list.data && thoughts.length === 0 && (
          <p className="lt-empty muted">
            No long thoughts yet. A journey walks the tree depth-first, tries wrong turns,
            backtracks and ends on a correct answer; a shortcut is the correct path alone.
          </p>
        )}
        <ThoughtList
          thoughts={thoughts}
          selectedId={selected?.id ?? null}
          onSelect={(id) => setChoice({ problemId, id })}
        />
      </aside>
      <section className="lt-main">
        {selected ? (
          <ThoughtView
            key={selected.id}
            thought={selected}
            role={role}
            selectedNodeId={selectedNodeId}
            onSelectNode={onSelectNode}
            onChanged={changed}
            onCreated={(id) => {
              setChoice({ problemId, id });
              list.reload();
            }}
          />
        ) : (
          list.loading && <p className="muted">Loading…</p>
        )}
      </section>
    </div>
  );
}

/** The later of the listed copy and one the server sent back since. */
function newest(listed: LongThought, sent: LongThought | undefined): LongThought {
  if (!sent) return listed;
  if (sent.version !== listed.version) return sent.version > listed.version ? sent : listed;
  return sent.updated_at > listed.updated_at ? sent : listed;
}
