// Someone saved this step while I was editing it: show both texts side by side and let me
// keep mine, take theirs, or merge by hand. Nothing I typed is lost.
import { useState } from "react";

import { Markdown } from "../components/Markdown";
import { useWorkspace } from "./context";
import { clearDraft } from "./drafts";

export function ConflictDialog() {
  const conflict = useWorkspace((s) => s.conflict);
  const resolve = useWorkspace((s) => s.resolveConflict);
  const [merged, setMerged] = useState<string | null>(null);
  if (!conflict) return null;
  const done = () => {
    clearDraft(`edit:${conflict.nodeId}`);
    setMerged(null);
  };
  return (
    <div className="modal-backdrop">
      <div className="modal conflict" role="dialog" aria-label="Edit conflict">
        <h2>This step changed while you were editing</h2>
        <p className="muted">
          Someone saved version {conflict.current.version}. Your text is kept below; choose which to
          keep, or merge them.
        </p>
        <div className="conflict-sides">
          <div className="conflict-side" data-testid="conflict-mine">
            <h3>Yours</h3>
            <Markdown text={conflict.mine} />
          </div>
          <div className="conflict-side" data-testid="conflict-theirs">
            <h3>Theirs (version {conflict.current.version})</h3>
            <Markdown text={conflict.current.text} />
          </div>
        </div>
        {merged !== null && (
          <textarea
            aria-label="Merged text"
            rows={5}
            value={merged}
            onChange={(event) => setMerged(event.target.value)}
          />
        )}
        <div className="step-buttons">
          <button
            className="primary"
            onClick={() => {
              done();
              void resolve(merged ?? conflict.mine);
            }}
          >
            {merged === null ? "Keep mine" : "Save merged"}
          </button>
          <button
            onClick={() => {
              done();
              void resolve(null);
            }}
          >
            Take theirs
          </button>
          {merged === null && (
            <button onClick={() => setMerged(`${conflict.current.text}\n${conflict.mine}`)}>
              Merge by hand
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
