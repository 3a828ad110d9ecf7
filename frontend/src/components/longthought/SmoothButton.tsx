// The optional smoothing pass: the campaign's model rewrites each passage of a prose long
// thought; rewrites that change a number are dropped. The result is a new draft.
import { useEffect, useRef, useState } from "react";

import { post } from "../../api/client";
import { followJob } from "../../api/jobs";
import type { Job, LongThought } from "../../api/types";

interface Props {
  thought: LongThought;
  onSmoothed: (thoughtId: number) => void;
  onError: (message: string) => void;
}

export function SmoothButton({ thought, onSmoothed, onError }: Props) {
  const [job, setJob] = useState<Job | null>(null);
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
      const started = await post<Job>(`/long-thoughts/${thought.id}/smooth/`, {});
      const done = await followJob(started, setJob, () => alive.current);
      if (done === null) return;
      setJob(null);
      const result = done.result as { long_thought?: number } | undefined;
      if (done.status === "succeeded" && result?.long_thought) onSmoothed(result.long_thought);
      else onError(done.error || `The smoothing ${done.status}.`);
    } catch (reason) {
      if (alive.current) onError(reason instanceof Error ? reason.message : String(reason));
    }
  }

  const progress = job?.progress as { done?: number; total?: number } | undefined;
  return (
    <button
      disabled={job !== null}
      onClick={() => void smooth()}
      title="Rewrite each passage with the campaign's model into one voice; a rewrite that changes a number is dropped. Makes a new draft."
    >
      {job ? `Smoothing ${progress?.done ?? 0}/${progress?.total ?? "…"}` : "Smooth with the model"}
    </button>
  );
}
