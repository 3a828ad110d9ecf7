// The campaign's long-thought statistics: token and line counts, backtracks and reflection
// words ("wait", "alternatively", "hmm", "let me check"), overall and per style, as means per
// thought with totals beneath. Nothing but a hint while the campaign has none.
import "./longthought/longthought.css";

import { useState } from "react";

import { get } from "../api/client";
import type { LongThoughtStats } from "../api/types";
import { useFetch } from "../api/useFetch";
import { ErrorNote } from "./ErrorNote";

type Summary = Pick<LongThoughtStats, "count" | "totals" | "means">;

const REFLECTIONS = ["wait", "alternatively", "hmm", "let me check"] as const;
type StatusFilter = "" | "approved" | "draft" | "rejected";

export function LongThoughtStatsCard({ slug }: { slug: string }) {
  const [status, setStatus] = useState<StatusFilter>("");
  const stats = useFetch(
    () =>
      get<LongThoughtStats>(
        `/campaigns/${slug}/long-thought-stats/${status ? `?status=${status}` : ""}`,
      ),
    [slug, status],
  );
  const data = stats.data;
  if (stats.error) return <ErrorNote error={stats.error} />;
  if (!data) return null;
  if (data.count === 0 && !status) {
    return (
      <p className="muted lt-stats-hint" data-testid="long-thought-stats">
        No long thoughts yet: derive one from a problem's tree in the workspace's “Long thought”
        tab, and its statistics appear here.
      </p>
    );
  }
  const rows: [string, Summary][] = [
    ["All", data],
    ...Object.entries(data.by_style)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([style, summary]): [string, Summary] => [capitalize(style), summary]),
  ];
  return (
    <section className="card lt-stats" data-testid="long-thought-stats" aria-label="Long thoughts">
      <div className="lt-stats-head">
        <h2>Long thoughts</h2>
        <label className="muted">
          Status
          <select
            value={status}
            onChange={(event) => setStatus(event.target.value as StatusFilter)}
          >
            <option value="">any</option>
            <option value="approved">approved</option>
            <option value="draft">draft</option>
            <option value="rejected">rejected</option>
          </select>
        </label>
      </div>
      <table className="lt-stats-table">
        <thead>
          <tr>
            <th>Style</th>
            <th>Thoughts</th>
            <th>Tokens</th>
            <th>Lines</th>
            <th>Backtracks</th>
            {REFLECTIONS.map((word) => (
              <th key={word}>“{word}”</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, summary]) => (
            <tr key={name}>
              <td>{name}</td>
              <td>{summary.count}</td>
              <Cell mean={summary.means.tokens} total={summary.totals.tokens} />
              <Cell mean={summary.means.lines} total={summary.totals.lines} />
              <Cell mean={summary.means.backtracks} total={summary.totals.backtracks} />
              {REFLECTIONS.map((word) => (
                <Cell
                  key={word}
                  mean={summary.means.reflections[word] ?? null}
                  total={summary.totals.reflections[word] ?? null}
                />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted lt-stats-note">Mean per thought; totals beneath.</p>
    </section>
  );
}

function Cell({ mean, total }: { mean: number | null; total: number | null }) {
  return (
    <td>
      {mean === null ? "—" : formatNumber(mean)}
      <span className="sub">Σ {total === null ? "—" : formatNumber(total)}</span>
    </td>
  );
}

function formatNumber(value: number): string {
  return value.toLocaleString(undefined, { maximumFractionDigits: value < 10 ? 2 : 1 });
}

function capitalize(text: string): string {
  return text ? text[0]?.toUpperCase() + text.slice(1) : text;
}
