import { Link } from "react-router";

import { get } from "../api/client";
import type { Assignment, Page } from "../api/types";
import { useFetch } from "../api/useFetch";
import { ErrorNote } from "../components/ErrorNote";

export function QueuePage() {
  const queue = useFetch(() => get<Page<Assignment>>("/queue/?limit=200"), []);
  return (
    <div className="page">
      <h1>My queue</h1>
      <ErrorNote error={queue.error} />
      {queue.data && queue.data.results.length === 0 && (
        <p className="muted">Your queue is empty. Nice work.</p>
      )}
      <table className="table">
        <thead>
          <tr>
            <th>Problem</th>
            <th>Campaign</th>
            <th>Status</th>
            <th>Steps</th>
          </tr>
        </thead>
        <tbody>
          {queue.data?.results.map((assignment) => (
            <tr key={assignment.id}>
              <td>
                <Link to={`/problems/${assignment.problem.id}`}>
                  {assignment.problem.external_id} · {assignment.problem.statement.slice(0, 90)}
                </Link>
              </td>
              <td>{assignment.campaign}</td>
              <td>{assignment.status}</td>
              <td>
                {assignment.problem.labelled_count}/{assignment.problem.node_count} labelled
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
