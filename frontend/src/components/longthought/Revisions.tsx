// Every saved text of a long thought (the rendered original first), loaded when opened.
import { useState } from "react";

import { get } from "../../api/client";
import type { LongThoughtRevision, Page } from "../../api/types";
import { useMe } from "../../pages/AppShell";
import { ErrorNote } from "../ErrorNote";
import { Markdown } from "../Markdown";

interface Props {
  thoughtId: number;
  version: number;
}

export function Revisions({ thoughtId, version }: Props) {
  const [revisions, setRevisions] = useState<LongThoughtRevision[] | null>(null);
  const [loadedFor, setLoadedFor] = useState<number | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const me = useMe();

  async function load() {
    setError(null);
    try {
      const page = await get<Page<LongThoughtRevision>>(
        `/long-thoughts/${thoughtId}/revisions/?limit=200`,
      );
      setRevisions(page.results);
      setLoadedFor(version);
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : String(reason));
    }
  }

  return (
    <details
      className="lt-revisions"
      onToggle={(event) => {
        if ((event.currentTarget as HTMLDetailsElement).open && loadedFor !== version) {
          void load();
        }
      }}
    >
      <summary>Revisions</summary>
      <ErrorNote error={error} />
      {revisions && revisions.length === 0 && (
        <p className="muted">Not edited yet: the text is as derived (version 1).</p>
      )}
      {revisions && revisions.length > 0 && (
        <ol className="lt-revision-list">
          {[...revisions].reverse().map((revision) => (
            <li key={revision.version}>
              <div className="lt-revision-head">
                <span className="mono">v{revision.version}</span>
                <span className="muted">
                  {revision.version === 1
                    ? "as derived"
                    : revision.editor === me?.id
                      ? "edited by you"
                      : "edited by another user"}
                  {revision.created_at
                    ? ` · ${new Date(revision.created_at).toLocaleString()}`
                    : ""}
                </span>
                {revision.version === version && <span className="pill">current</span>}
                <button
                  className="small"
                  onClick={() => setShown(shown === revision.version ? null : revision.version)}
                >
                  {shown === revision.version ? "Hide" : "Show"}
                </button>
              </div>
              {shown === revision.version && (
                <div className="lt-revision-text">
                  <Markdown text={revision.text} />
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
