import { Link, useNavigate } from "react-router";

import { get } from "../api/client";
import type { Assignment, Campaign, Page } from "../api/types";
import { useFetch } from "../api/useFetch";
import { ErrorNote } from "../components/ErrorNote";

export function HomePage() {
  const campaigns = useFetch(() => get<Page<Campaign>>("/campaigns/?limit=200"), []);
  const navigate = useNavigate();

  async function openNext() {
    const next = await get<Assignment | undefined>("/queue/next/");
    if (next) navigate(`/problems/${next.problem.id}`);
    else navigate("/queue");
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Campaigns</h1>
        <button className="primary" onClick={openNext} data-testid="open-next">
          Open my next problem →
        </button>
      </div>
      <ErrorNote error={campaigns.error} />
      {campaigns.loading && <p className="muted">Loading…</p>}
      <div className="cards">
        {campaigns.data?.results.map((campaign) => (
          <Link key={campaign.id} to={`/campaigns/${campaign.slug}`} className="card">
            <div className="card-title">{campaign.name}</div>
            <div className="muted">
              {campaign.problem_count} problems · {campaign.status} · you are{" "}
              <strong>{campaign.my_role}</strong>
            </div>
          </Link>
        ))}
        {campaigns.data?.results.length === 0 && (
          <p className="muted">You are not a member of any campaign yet.</p>
        )}
      </div>
    </div>
  );
}
