// The campaign's exports, newest first: status and live progress, rows, size, checksum, files.
import { isActive } from "../../api/jobStatus";
import type { Export } from "../../api/types";
import {
  describeFilters,
  formatBytes,
  formatLabel,
  formatWhen,
  percent,
  shortSha,
} from "../../model/exportForm";
import { FilterChips } from "./FilterChips";

export function ExportList({ exports, total }: { exports: readonly Export[]; total: number }) {
  if (!exports.length) {
    return (
      <p className="exp-empty muted">
        No exports yet. Pick a format above and start one; it appears here with its progress.
      </p>
    );
  }
  return (
    <>
      <table className="table exp-table" data-testid="exports-table">
        <thead>
          <tr>
            <th>Export</th>
            <th>Status</th>
            <th className="num">Rows</th>
            <th className="num">Size</th>
            <th>SHA-256</th>
            <th>Created</th>
            <th>Files</th>
          </tr>
        </thead>
        <tbody>
          {exports.map((item) => (
            <ExportRow key={item.id} item={item} />
          ))}
        </tbody>
      </table>
      {total > exports.length && (
        <p className="muted exp-more">
          Showing the newest {exports.length} of {total} exports.
        </p>
      )}
    </>
  );
}

function ExportRow({ item }: { item: Export }) {
  const filters = describeFilters(item.format, item.filters);
  const done = item.status === "succeeded";
  return (
    <tr data-export-id={item.id} data-status={item.status}>
      <td>
        <div className="exp-name">
          <strong>{formatLabel(item.format)}</strong>
          <span className="exp-version">v{item.version}</span>
          {item.schedule !== null && <span className="pill exp-tag">scheduled</span>}
        </div>
        <FilterChips filters={filters} />
      </td>
      <td className="exp-status">
        <StatusCell item={item} />
      </td>
      <td className="num">{done ? item.rows.toLocaleString() : "—"}</td>
      <td className="num">{done ? formatBytes(item.bytes) : "—"}</td>
      <td>
        {item.sha256 ? (
          <code className="exp-sha" title={item.sha256}>
            {shortSha(item.sha256)}
          </code>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="exp-when" title={item.created_at}>
        {formatWhen(item.created_at)}
      </td>
      <td className="exp-files">
        {done ? (
          <>
            <a href={item.download_url} download data-testid="download">
              Download
            </a>
            <a href={item.manifest_url} target="_blank" rel="noreferrer">
              Manifest
            </a>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

function StatusCell({ item }: { item: Export }) {
  const progress = item.job?.progress as { done?: number; total?: number } | undefined;
  if (isActive(item.status)) {
    const share = percent(progress);
    return (
      <div className="exp-running">
        <span className={`pill ${item.status}`}>{item.status}</span>
        <div className="progress" title={`${progress?.done ?? 0} of ${progress?.total ?? "?"}`}>
          <div className="progress-bar" style={{ width: `${share}%` }} />
          <span>
            {progress?.total ? `${progress.done ?? 0}/${progress.total} problems` : "starting…"}
          </span>
        </div>
      </div>
    );
  }
  return (
    <div>
      <span className={`pill ${item.status}`}>{item.status}</span>
      {item.status === "failed" && item.error && <div className="exp-error">{item.error}</div>}
    </div>
  );
}
