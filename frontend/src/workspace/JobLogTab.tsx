// The jobs run on this tree, newest first, as the server keeps them (they survive a reload):
// loaded with the tree and kept current by the job tracker.
import { useShallow } from "zustand/react/shallow";

import { isActive, kindLabel, progressOf, type Job } from "../api/jobs";
import { ErrorNote } from "../components/ErrorNote";
import { newestFirst } from "../store/jobs";
import { useWorkspace } from "./context";

export function JobLogTab() {
  const jobs = useWorkspace(useShallow((s) => newestFirst(s.jobs)));
  const loaded = useWorkspace((s) => s.jobsLoaded);
  const error = useWorkspace((s) => s.jobsError);
  const cancel = useWorkspace((s) => s.cancelJob);
  if (jobs.length === 0) {
    return (
      <>
        <ErrorNote error={error} />
        <p className="muted">
          {loaded || error ? "No jobs yet. Try expand (x) or rollouts (r)." : "Loading jobs…"}
        </p>
      </>
    );
  }
  return (
    <>
      <ErrorNote error={error} />
      <table className="table compact" data-testid="job-log">
        <thead>
          <tr>
            <th>Job</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Started</th>
            <th>Result</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} data-job-id={job.id} data-status={job.status}>
              <td className="mono">#{job.id}</td>
              <td>{kindLabel(job.kind)}</td>
              <td>
                <span className={`pill ${job.status}`}>{job.status}</span>
              </td>
              <td>{progressText(job)}</td>
              <td className="muted" title={job.created_at}>
                {timeOf(job.created_at)}
              </td>
              <td className="muted">{job.error || summarise(job.result)}</td>
              <td>
                {isActive(job.status) && (
                  <button
                    className="small"
                    onClick={() => void cancel(job.id)}
                    aria-label={`Cancel job ${job.id}`}
                  >
                    cancel
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function progressText(job: Job): string {
  const { done, total } = progressOf(job);
  return total ? `${done}/${total}` : "—";
}

function timeOf(iso: string): string {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? "" : when.toLocaleString();
}

function summarise(result: unknown): string {
  if (!result || typeof result !== "object") return "";
  const entries = Object.entries(result as Record<string, unknown>).map(([key, value]) =>
    Array.isArray(value) ? `${key}: ${value.length}` : `${key}: ${String(value)}`,
  );
  return entries.slice(0, 4).join(" · ");
}
