// Revisions of the selected step: every edit is kept, with its editor and time.
import { get } from "../api/client";
import type { Revision } from "../api/types";
import { useFetch } from "../api/useFetch";
import { Markdown } from "../components/Markdown";
import { useWorkspace } from "./context";

export function HistoryTab() {
  const selected = useWorkspace((s) => s.selected);
  const version = useWorkspace((s) =>
    s.selected === null ? 0 : (s.index.nodes.get(s.selected)?.version ?? 0),
  );
  const revisions = useFetch(
    () =>
      selected === null
        ? Promise.resolve([] as Revision[])
        : get<Revision[]>(`/nodes/${selected}/revisions/`),
    [selected, version],
  );
  if (selected === null) return null;
  if (revisions.data?.length === 0) return <p className="muted">No edits to this step yet.</p>;
  return (
    <ol className="revisions">
      {revisions.data?.map((revision) => (
        <li key={revision.version}>
          <div className="muted">
            version {revision.version} · {new Date(revision.created_at).toLocaleString()}
            {revision.editor !== null && ` · user #${revision.editor}`}
          </div>
          <Markdown text={revision.text} />
        </li>
      ))}
    </ol>
  );
}
