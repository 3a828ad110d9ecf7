// Ask the model: k next-step candidates, n rollouts to an answer, or the first error on the
// path. Each starts a Job whose progress shows below with a cancel button.
import { useShallow } from "zustand/react/shallow";

import { get } from "../api/client";
import type { Campaign, ModelProfile } from "../api/types";
import { useFetch } from "../api/useFetch";
import { kindLabel, progressOf, type Job } from "../api/jobs";
import { activeJobs } from "../store/jobs";
import { expand, firstError, rollouts } from "./commands";
import { useWorkspace, useWorkspaceStore } from "./context";

export function ModelActions() {
  const store = useWorkspaceStore();
  const selected = useWorkspace((s) => s.selected);
  const isRoot = useWorkspace((s) => s.selected === s.index.root);
  const expandK = useWorkspace((s) => s.expandK);
  const rolloutN = useWorkspace((s) => s.rolloutN);
  const setSizes = useWorkspace((s) => s.setSizes);
  const context = { store, focusSearch: () => {}, fitView: () => {} };
  if (selected === null) return null;
  return (
    <section className="tool-block">
      <div className="tool-head">
        <h3>Model</h3>
        <ModelBadge />
      </div>
      <div className="model-row">
        <button onClick={() => expand(context)} data-testid="expand">
          Expand <kbd>x</kbd>
        </button>
        <label>
          k
          <input
            type="number"
            min={1}
            max={32}
            value={expandK}
            onChange={(e) => setSizes({ expandK: clamp(e.target.valueAsNumber, 1, 32) })}
          />
        </label>
      </div>
      <div className="model-row">
        <button onClick={() => rollouts(context)}>
          Rollouts <kbd>r</kbd>
        </button>
        <label>
          n
          <input
            type="number"
            min={1}
            max={64}
            value={rolloutN}
            onChange={(e) => setSizes({ rolloutN: clamp(e.target.valueAsNumber, 1, 64) })}
          />
        </label>
      </div>
      {!isRoot && (
        <div className="model-row">
          <button onClick={() => firstError(context)}>
            Find first error <kbd>p</kbd>
          </button>
        </div>
      )}
      <JobBars />
    </section>
  );
}

/** Which model the campaign uses; the demo reasoner is labelled as the toy it is. */
function ModelBadge() {
  const slug = useWorkspace((s) => s.problem?.navigation.campaign_slug ?? "");
  const profile = useFetch(async () => {
    const campaign = await get<Campaign>(`/campaigns/${slug}/`);
    if (!campaign.default_model_profile) return null;
    return get<ModelProfile>(`/model-profiles/${campaign.default_model_profile}/`);
  }, [slug]);
  if (!profile.data || profile.data.backend === "demo") {
    return (
      <span
        className="pill model"
        title="A tiny GPT-2 trained here on arithmetic word problems; it makes real mistakes. Point the campaign at a real model with a model profile."
      >
        demo model
      </span>
    );
  }
  return (
    <span className="pill model" title={`${profile.data.backend}: ${profile.data.model_name}`}>
      {profile.data.name}
    </span>
  );
}

function clamp(value: number, low: number, high: number): number {
  return Number.isFinite(value) ? Math.max(low, Math.min(high, Math.round(value))) : low;
}

export function JobBars() {
  // Queued and running only, as the server last said: a cancelled job's bar goes at once, a
  // paused loop has none.
  const jobs = useWorkspace(useShallow((s) => activeJobs(s.jobs)));
  const cancel = useWorkspace((s) => s.cancelJob);
  if (jobs.length === 0) return null;
  return (
    <div className="job-bars">
      {jobs.map((job) => (
        <JobBar key={job.id} job={job} onCancel={() => void cancel(job.id)} />
      ))}
    </div>
  );
}

function JobBar({ job, onCancel }: { job: Job; onCancel: () => void }) {
  const { done, total } = progressOf(job);
  const share = total ? Math.round((100 * done) / total) : 0;
  return (
    <div className="job-bar" data-testid="job-bar" data-job-id={job.id} data-status={job.status}>
      <div className="progress">
        <div
          className={`progress-bar${total ? "" : " indeterminate"}`}
          style={{ width: total ? `${share}%` : "30%" }}
        />
        <span>
          {kindLabel(job.kind)} {total ? `${done}/${total}` : job.status}
        </span>
      </div>
      <button className="small" onClick={onCancel} title="Cancel this job" aria-label="Cancel job">
        ✕
      </button>
    </div>
  );
}
