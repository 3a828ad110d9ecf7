// The jobs run on this tree in this session, newest first.
import { useShallow } from "zustand/react/shallow";

import { useWorkspace } from "./context";

export function JobLogTab() {
  const jobs = useWorkspace(useShallow((s) => [...s.jobs.values()].reverse()));
  if (jobs.length === 0)
    return <p className="muted">No jobs yet. Try expand (x) or rollouts (r).</p>;
  return (
    <table className="table compact">
      <thead>
        <tr>
          <th>Job</th>
          <th>Kind</th>
          <th>Status</th>
          <th>Progress</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id}>
            <td className="mono">#{job.id}</td>
            <td>{job.kind}</td>
            <td>
              <span className={`pill ${job.status}`}>{job.status}</span>
            </td>
            <td>
              {String(job.progress?.done ?? 0)}/{String(job.progress?.total ?? "?")}
            </td>
            <td className="muted">{job.error || summarise(job.result)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function summarise(result: unknown): string {
  if (!result || typeof result !== "object") return "";
  const entries = Object.entries(result as Record<string, unknown>).map(([key, value]) =>
    Array.isArray(value) ? `${key}: ${value.length}` : `${key}: ${String(value)}`,
  );
  return entries.slice(0, 4).join(" · ");
}
