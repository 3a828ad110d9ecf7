import { useState } from "react";
import { Link, useParams } from "react-router";

import { get } from "../api/client";
import type { Campaign, Page, Problem } from "../api/types";
import { useFetch } from "../api/useFetch";
import { ErrorNote } from "../components/ErrorNote";
import { LongThoughtStatsCard } from "../components/LongThoughtStatsCard";

const PAGE = 50;
const LEAD_ROLES = new Set(["lead", "admin"]);

export function CampaignPage() {
  const { slug = "" } = useParams();
  const [offset, setOffset] = useState(0);
  const [search, setSearch] = useState("");
  const campaign = useFetch(() => get<Campaign>(`/campaigns/${slug}/`), [slug]);
  const problems = useFetch(
    () =>
      get<Page<Problem>>(
        `/campaigns/${slug}/problems/?limit=${PAGE}&offset=${offset}&search=${encodeURIComponent(search)}`,
      ),
    [slug, offset, search],
  );
  const count = problems.data?.count ?? 0;
  const role = campaign.data?.my_role ?? "";
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="/">Campaigns</Link> /
          </div>
          <h1>{campaign.data?.name ?? slug}</h1>
        </div>
        {LEAD_ROLES.has(role) && (
          <Link className="button" to={`/campaigns/${slug}/exports`}>
            Exports & schedules
          </Link>
        )}
      </div>
      <ErrorNote error={campaign.error ?? problems.error} />
      <LongThoughtStatsCard slug={slug} />
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search problems…"
          value={search}
          onChange={(event) => {
            setOffset(0);
            setSearch(event.target.value);
          }}
        />
        <span className="muted">{count} problems</span>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>Id</th>
            <th>Problem</th>
            <th>Progress</th>
          </tr>
        </thead>
        <tbody>
          {problems.data?.results.map((problem) => (
            <tr key={problem.id}>
              <td className="mono">{problem.external_id}</td>
              <td>
                <Link to={`/problems/${problem.id}`}>{problem.statement.slice(0, 140)}</Link>
              </td>
              <td>
                <Progress done={problem.labelled_count} total={problem.node_count} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          ← Previous
        </button>
        <span className="muted">
          {count ? offset + 1 : 0}–{Math.min(offset + PAGE, count)} of {count}
        </span>
        <button disabled={offset + PAGE >= count} onClick={() => setOffset(offset + PAGE)}>
          Next →
        </button>
      </div>
    </div>
  );
}

function Progress({ done, total }: { done: number; total: number }) {
  const share = total ? Math.round((100 * done) / total) : 0;
  return (
    <div className="progress" title={`${done} of ${total} steps labelled`}>
      <div className="progress-bar" style={{ width: `${share}%` }} />
      <span>
        {done}/{total}
      </span>
    </div>
  );
}
