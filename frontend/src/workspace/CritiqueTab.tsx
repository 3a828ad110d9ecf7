// The propose-critique loop as a thread beside the step: proposal, critique, revision, with
// who wrote each. The expert can pause, edit the current proposal, write their own critique,
// accept, or resume.
import { useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { api } from "../api/client";
import {
  acceptLoop,
  getLoop,
  isActive,
  pauseLoop,
  resumeLoop,
  startCritiqueLoop,
  type Job,
} from "../api/jobs";
import type { ThreadEntry } from "../api/types";
import { useFetch } from "../api/useFetch";
import { ErrorNote } from "../components/ErrorNote";
import { Markdown } from "../components/Markdown";
import { newestFirst } from "../store/jobs";
import { useWorkspace } from "./context";

export function CritiqueTab() {
  const selected = useWorkspace((s) => s.selected);
  const runJob = useWorkspace((s) => s.runJob);
  // The tree's loops, from the job tracker (loaded from the server with the tree).
  const ids = useWorkspace(
    useShallow((s) =>
      newestFirst(s.jobs)
        .filter((job) => job.kind === "critique_loop")
        .map((job) => job.id),
    ),
  );
  const [rounds, setRounds] = useState(3);
  const [chosen, setChosen] = useState<number | null>(null);
  const loopId = chosen ?? ids[0] ?? null;

  return (
    <div className="critique-tab">
      <div className="toolbar">
        <button
          className="primary"
          disabled={selected === null}
          onClick={() =>
            selected !== null &&
            void runJob(() => startCritiqueLoop(selected, { rounds })).then(
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
  // The loop's state is the tracker's, the same the progress bars read: a paused loop never
  // shows beside a running bar.
  const job = useWorkspace((s) => s.jobs.get(loopId));
  const trackJob = useWorkspace((s) => s.trackJob);
  const select = useWorkspace((s) => s.select);
  const index = useWorkspace((s) => s.index);
  const [error, setError] = useState<string | null>(null);
  const [critique, setCritique] = useState("");
  const [verdict, setVerdict] = useState<"accept" | "revise" | "reject">("revise");
  const [edit, setEdit] = useState<string | null>(null);
  const loop = useFetch(async () => {
    const data = await getLoop(loopId);
    trackJob(data.job);
    return data;
  }, [loopId, tick, job?.status]);
  /** True when the server took it: only then is what the expert typed cleared. The state
   * shown is the server's answer, never a guess. */
  const act = async (action: () => Promise<Job | unknown>): Promise<boolean> => {
    try {
      const answer = await action();
      if (isJob(answer, loopId)) trackJob(answer);
      setError(null);
      loop.reload();
      return true;
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : String(reason));
      return false;
    }
  };
  const path = { params: { path: { id: loopId } } };
  const thread = loop.data?.thread ?? [];
  const proposals = thread.filter((entry) => entry.kind === "proposal");
  const current = proposals[proposals.length - 1];
  const currentId = current ? nodeIdOf(current) : null;
  const currentNode = currentId === null ? undefined : index.nodes.get(currentId);
  const status = job?.status ?? loop.data?.job.status ?? "";
  return (
    <div className="loop">
      <div className="loop-head">
        <strong>Loop #{loopId}</strong> <span className={`pill ${status}`}>{status}</span>
        {isActive(status) && (
          <button onClick={() => void act(() => pauseLoop(loopId))}>Pause</button>
        )}
        {status === "paused" && (
          <button onClick={() => void act(() => resumeLoop(loopId))}>Resume</button>
        )}
        {(status === "paused" || isActive(status)) && (
          <button className="primary" onClick={() => void act(() => acceptLoop(loopId))}>
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
                  void act(() =>
                    api.post("/api/v1/loops/{id}/edit/", {
                      ...path,
                      body: { text: edit, version: currentNode.version },
                    }),
                  ).then((ok) => ok && setEdit(null))
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
                void act(() =>
                  api.post("/api/v1/loops/{id}/critiques/", {
                    ...path,
                    body: { verdict, text: critique },
                  }),
                ).then((ok) => ok && setCritique(""))
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

/** The loop's own job, in an answer that may be a job (pause, resume, accept) or not. */
function isJob(answer: unknown, loopId: number): answer is Job {
  return (
    !!answer &&
    typeof answer === "object" &&
    "id" in answer &&
    "status" in answer &&
    "kind" in answer &&
    (answer as Job).id === loopId
  );
}
