// The optional smoothing pass: the campaign's model rewrites each passage of a prose long
// thought; rewrites that change a number are dropped. The result is a new draft.
import { useEffect, useRef, useState } from "react";

import { progressOf, startSmooth } from "../../api/jobs";
import type { LongThought } from "../../api/types";
import { useWorkspace } from "../../workspace/context";

interface Props {
  thought: LongThought;
  onSmoothed: (thoughtId: number) => void;
  onError: (message: string) => void;
}

export function SmoothButton({ thought, onSmoothed, onError }: Props) {
  // The job's state is the workspace's job tracker's (websocket first, polling as fallback).
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useWorkspace((s) => (jobId === null ? null : (s.jobs.get(jobId) ?? null)));
  const followJob = useWorkspace((s) => s.followJob);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  if (thought.render !== "prose" || thought.edited_text) return null;

  async function smooth() {
    try {
      const started = await startSmooth(thought.id);
      setJobId(started.id);
      const done = await followJob(started);
      if (!alive.current) return;
      setJobId(null);
      const result = done.result as { long_thought?: number } | undefined;
      if (done.status === "succeeded" && result?.long_thought) onSmoothed(result.long_thought);
      else onError(done.error || `The smoothing ${done.status}.`);
    } catch (reason) {
      if (alive.current) onError(reason instanceof Error ? reason.message : String(reason));
    }
  }

  const progress = job ? progressOf(job) : null;
  return (
    <button
      disabled={jobId !== null}
      onClick={() => void smooth()}
      title="Rewrite each passage with the campaign's model into one voice; a rewrite that changes a number is dropped. Makes a new draft."
    >
      {jobId !== null
        ? `Smoothing ${progress?.done ?? 0}/${progress?.total || "…"}`
        : "Smooth with the model"}
    </button>
  );
}
