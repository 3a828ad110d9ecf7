// Derive a long thought from the tree: a "derive" Job whose progress shows until it is done.
import { useEffect, useRef, useState } from "react";

import { isFinished, progressOf, startDerive } from "../../api/jobs";
import type { DeriveForm as DeriveFormState } from "../../model/longthought";
import { DERIVE_DEFAULTS, deriveRequest } from "../../model/longthought";
import { useWorkspace } from "../../workspace/context";
import { ErrorNote } from "../ErrorNote";

interface Props {
  problemId: number;
  /** Called with the new long thought's id when the job has made one. */
  onDerived: (thoughtId: number | null) => void;
}

export function DeriveForm({ problemId, onDerived }: Props) {
  const [form, setForm] = useState<DeriveFormState>(DERIVE_DEFAULTS);
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The job's state is the workspace's job tracker's (websocket first, polling as fallback).
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useWorkspace((s) => (jobId === null ? null : (s.jobs.get(jobId) ?? null)));
  const followJob = useWorkspace((s) => s.followJob);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const running = job !== null && !isFinished(job.status);
  const set = <K extends keyof DeriveFormState>(key: K, value: DeriveFormState[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, [key]: "" }));
  };

  async function derive() {
    const checked = deriveRequest(form);
    if (checked.errors) {
      setErrors(checked.errors);
      return;
    }
    setError(null);
    try {
      const started = await startDerive(problemId, checked.body);
      setJobId(started.id);
      const current = await followJob(started);
      if (!alive.current) return;
      if (current.status === "succeeded") {
        const result = current.result as { long_thought?: number } | undefined;
        onDerived(result?.long_thought ?? null);
        setJobId(null);
      } else {
        setError(current.error || `The derivation ${current.status}.`);
      }
    } catch (reason) {
      if (alive.current) setError(reason instanceof Error ? reason.message : String(reason));
    }
  }

  const progress = job ? progressOf(job) : { done: 0, total: 0 };
  const share = progress.total ? Math.round((100 * progress.done) / progress.total) : 0;
  const journey = form.style === "journey";

  return (
    <form
      className="lt-derive"
      aria-label="Derive a long thought"
      onSubmit={(event) => {
        event.preventDefault();
        void derive();
      }}
    >
      <div className="lt-derive-grid">
        <label className="lt-field">
          <span>Style</span>
          <select
            name="style"
            value={form.style}
            onChange={(event) => set("style", event.target.value as DeriveFormState["style"])}
          >
            <option value="journey">Journey</option>
            <option value="shortcut">Shortcut</option>
          </select>
        </label>
        <label className="lt-field">
          <span>Render</span>
          <select
            name="render"
            value={form.render}
            onChange={(event) => set("render", event.target.value as DeriveFormState["render"])}
          >
            <option value="prose">Prose</option>
            <option value="steiner">Steiner tokens</option>
          </select>
        </label>
        <label className={errors.maxWrong ? "lt-field invalid" : "lt-field"}>
          <span title="Wrong children tried before the right one, per step">Wrong turns</span>
          <input
            name="max_wrong"
            inputMode="numeric"
            disabled={!journey}
            value={form.maxWrong}
            onChange={(event) => set("maxWrong", event.target.value)}
          />
        </label>
        <label className={errors.maxDepthWrong ? "lt-field invalid" : "lt-field"}>
          <span title="Steps taken into a wrong branch before turning back">Depth</span>
          <input
            name="max_depth_wrong"
            inputMode="numeric"
            disabled={!journey}
            value={form.maxDepthWrong}
            onChange={(event) => set("maxDepthWrong", event.target.value)}
          />
        </label>
        <label className={errors.seed ? "lt-field invalid" : "lt-field"}>
          <span title="Shuffle the wrong turns with this seed">Seed</span>
          <input
            name="seed"
            inputMode="numeric"
            placeholder="none"
            disabled={!journey}
            value={form.seed}
            onChange={(event) => set("seed", event.target.value)}
          />
        </label>
      </div>
      {Object.values(errors).some(Boolean) && (
        <div className="lt-form-errors" role="alert">
          {Object.values(errors)
            .filter(Boolean)
            .map((text) => (
              <div key={text}>{text}</div>
            ))}
        </div>
      )}
      <div className="lt-derive-actions">
        <button type="submit" className="primary" disabled={running}>
          {running ? "Deriving…" : "Derive"}
        </button>
        {running && (
          <div className="progress lt-derive-progress" role="progressbar" aria-valuenow={share}>
            <div className="progress-bar" style={{ width: `${share || 15}%` }} />
            <span>{job?.status === "queued" ? "queued" : "deriving from the tree…"}</span>
          </div>
        )}
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
