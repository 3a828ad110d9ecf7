// The propose-critique loop as a thread beside the step: proposal, critique, revision, with
// who wrote each. The expert can pause, edit the current proposal, write their own critique,
// accept, or resume.
import { useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { get, post } from "../api/client";
import type { Job, Loop, Page, ThreadEntry } from "../api/types";
import { useFetch } from "../api/useFetch";
import { ErrorNote } from "../components/ErrorNote";
import { Markdown } from "../components/Markdown";
import { useWorkspace } from "./context";

const ACTIVE = new Set(["queued", "running"]);

export function CritiqueTab() {
  const slug = useWorkspace((s) => s.problem?.navigation.campaign_slug ?? "");
  const treeId = useWorkspace((s) => s.treeId);
  const selected = useWorkspace((s) => s.selected);
  const runJob = useWorkspace((s) => s.runJob);
  const sessionLoops = useWorkspace(
    useShallow((s) =>
      [...s.jobs.values()].filter((job) => job.kind === "critique_loop").map((job) => job.id),
    ),
  );
  const tick = useWorkspace((s) => s.critiqueTick);
  const [rounds, setRounds] = useState(3);
  const [chosen, setChosen] = useState<number | null>(null);
  const loops = useFetch(
    () =>
      treeId === null
        ? Promise.resolve({ count: 0, next: null, previous: null, results: [] } as Page<Job>)
        : get<Page<Job>>(`/campaigns/${slug}/jobs/?kind=critique_loop&tree=${treeId}&limit=20`),
    [slug, treeId, sessionLoops.join(","), tick],
  );
  const ids = [...new Set([...sessionLoops, ...(loops.data?.results ?? []).map((j) => j.id)])].sort(
    (a, b) => b - a,
  );
  const loopId = chosen ?? ids[0] ?? null;

  return (
    <div className="critique-tab">
      <div className="toolbar">
        <button
          className="primary"
          disabled={selected === null}
          onClick={() =>
            selected !== null &&
            void runJob(`/nodes/${selected}/critique-loop/`, { rounds }).then(
              (job) => job && setChosen(job.id),
            )
          }
        >
          Start a loop on the selected step <kbd>q</kbd>
        </button>
        <label>
          rounds
          <input
            type="number"
            min={1}
            max={20}
            value={rounds}
            onChange={(e) => setRounds(Math.max(1, Math.min(20, e.target.valueAsNumber || 1)))}
          />
        </label>
        {ids.length > 1 && (
          <select value={loopId ?? ""} onChange={(e) => setChosen(Number(e.target.value))}>
            {ids.map((id) => (
              <option key={id} value={id}>
                loop #{id}
              </option>
            ))}
          </select>
        )}
      </div>
      {loopId === null ? (
        <p className="muted">
          No loop on this tree yet. A loop has the model propose the next step, a critic judge it,
          and the proposer revise it, round by round; you can take over at any round.
        </p>
      ) : (
        <LoopThread key={loopId} loopId={loopId} />
      )}
    </div>
  );
}

function LoopThread({ loopId }: { loopId: number }) {
  const tick = useWorkspace((s) => s.critiqueTick);
  const jobStatus = useWorkspace((s) => s.jobs.get(loopId)?.status);
  const select = useWorkspace((s) => s.select);
  const index = useWorkspace((s) => s.index);
  const [error, setError] = useState<string | null>(null);
  const [critique, setCritique] = useState("");
  const [verdict, setVerdict] = useState<"accept" | "revise" | "reject">("revise");
  const [edit, setEdit] = useState<string | null>(null);
  const loop = useFetch(() => get<Loop>(`/loops/${loopId}/`), [loopId, tick, jobStatus]);
  /** True when the server took it: only then is what the expert typed cleared. */
  const act = async (path: string, body?: unknown): Promise<boolean> => {
    try {
      await post(`/loops/${loopId}/${path}/`, body);
      setError(null);
      loop.reload();
      return true;
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : String(reason));
      return false;
    }
  };
  const job = loop.data?.job;
  const thread = loop.data?.thread ?? [];
  const proposals = thread.filter((entry) => entry.kind === "proposal");
  const current = proposals[proposals.length - 1];
  const currentId = current ? nodeIdOf(current) : null;
  const currentNode = currentId === null ? undefined : index.nodes.get(currentId);
  const status = job?.status ?? "";
  return (
    <div className="loop">
      <div className="loop-head">
        <strong>Loop #{loopId}</strong> <span className={`pill ${status}`}>{status}</span>
        {ACTIVE.has(status) && <button onClick={() => void act("pause")}>Pause</button>}
        {status === "paused" && <button onClick={() => void act("resume")}>Resume</button>}
        {(status === "paused" || ACTIVE.has(status)) && (
          <button className="primary" onClick={() => void act("accept", {})}>
            Accept the current proposal
          </button>
        )}
      </div>
      <ErrorNote error={error ?? loop.error} />
      <ol className="thread">
        {thread.map((entry, i) => (
          <li key={i} className={`thread-entry ${entry.kind}`}>
            <div className="thread-meta">
              <span className="muted">round {entry.round}</span>
              <strong>{entry.kind === "proposal" ? "Proposal" : "Critique"}</strong>
              <span className={`pill ${entry.by.type === "model" ? "model" : ""}`}>
                {entry.by.name}
              </span>
              {entry.verdict && (
                <span className={`pill ${verdictTone(entry.verdict)}`}>{entry.verdict}</span>
              )}
              {entry.edited && <span className="muted">edited</span>}
              {entry.stale && <span className="muted">(of an older text)</span>}
              {entry.kind === "proposal" && nodeIdOf(entry) !== null && (
                <button className="link" onClick={() => select(nodeIdOf(entry) as number, true)}>
                  show in tree
                </button>
              )}
            </div>
            <Markdown text={entryText(entry)} />
          </li>
        ))}
      </ol>
      {status === "paused" && currentNode && (
        <div className="loop-takeover">
          {edit === null ? (
            <button onClick={() => setEdit(currentNode.text)}>Edit the current proposal</button>
          ) : (
            <>
              <textarea
                aria-label="Proposal text"
                rows={3}
                value={edit}
                onChange={(e) => setEdit(e.target.value)}
              />
              <button
                onClick={() =>
                  void act("edit", { text: edit, version: currentNode.version }).then(
                    (ok) => ok && setEdit(null),
                  )
                }
              >
                Save proposal
              </button>
            </>
          )}
          <div className="model-row">
            <select value={verdict} onChange={(e) => setVerdict(e.target.value as typeof verdict)}>
              <option value="revise">revise</option>
              <option value="accept">accept</option>
              <option value="reject">reject</option>
            </select>
            <input
              className="note"
              aria-label="My critique"
              placeholder="Write my own critique instead of the model's"
              value={critique}
              onChange={(e) => setCritique(e.target.value)}
            />
            <button
              disabled={!critique.trim()}
              onClick={() =>
                void act("critiques", { verdict, text: critique }).then(
                  (ok) => ok && setCritique(""),
                )
              }
            >
              Post critique
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function nodeIdOf(entry: ThreadEntry): number | null {
  const node = entry.node as unknown;
  if (typeof node === "number") return node;
  if (node && typeof node === "object" && "id" in node) return Number((node as { id: number }).id);
  return null;
}

function entryText(entry: ThreadEntry): string {
  if (entry.text) return entry.text;
  const node = entry.node as unknown;
  if (node && typeof node === "object" && "text" in node)
    return String((node as { text: string }).text);
  return "";
}

function verdictTone(verdict: string): string {
  return verdict === "accept" ? "good" : verdict === "reject" ? "bad" : "neutral";
}
