// The campaign's export schedules: what each exports and when, pause/resume and delete.
import { useState } from "react";

import { del, patch } from "../../api/client";
import type { ExportSchedule } from "../../api/types";
import { ErrorNote } from "../../components/ErrorNote";
import type { Crontab, Interval } from "../../model/exportForm";
import { describeFilters, describeTiming, formatLabel, formatWhen } from "../../model/exportForm";
import { FilterChips } from "./FilterChips";

interface Props {
  slug: string;
  schedules: readonly ExportSchedule[];
  onChanged: () => void;
}

export function ScheduleList({ slug, schedules, onChanged }: Props) {
  const [busy, setBusy] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(id: number, action: () => Promise<unknown>) {
    setBusy(id);
    setError(null);
    try {
      await action();
      onChanged();
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : String(reason));
    } finally {
      setBusy(null);
      setConfirming(null);
    }
  }

  const url = (id: number) => `/campaigns/${slug}/export-schedules/${id}/`;

  if (!schedules.length) {
    return (
      <p className="exp-empty muted">
        No schedules. Open “Run these settings on a schedule” in the form above to add one.
      </p>
    );
  }
  return (
    <>
      <ErrorNote error={error} />
      <table className="table exp-table" data-testid="schedules-table">
        <thead>
          <tr>
            <th>Schedule</th>
            <th>Runs</th>
            <th>Last run</th>
            <th>State</th>
            <th className="exp-actions-col" />
          </tr>
        </thead>
        <tbody>
          {schedules.map((schedule) => {
            const filters = describeFilters(schedule.format, schedule.filters);
            return (
              <tr key={schedule.id} data-schedule-id={schedule.id}>
                <td>
                  <div className="exp-name">
                    <strong>{schedule.name || formatLabel(schedule.format)}</strong>
                    {schedule.name && <span className="muted">{formatLabel(schedule.format)}</span>}
                  </div>
                  <FilterChips filters={filters} />
                </td>
                <td>
                  {describeTiming(
                    schedule.interval as Interval | null,
                    schedule.crontab as Crontab | null,
                  )}
                </td>
                <td className="exp-when">
                  {schedule.last_run_at ? formatWhen(schedule.last_run_at) : "never"}
                </td>
                <td>
                  <span className={schedule.enabled ? "pill succeeded" : "pill"}>
                    {schedule.enabled ? "enabled" : "paused"}
                  </span>
                </td>
                <td className="exp-row-actions">
                  {confirming === schedule.id ? (
                    <>
                      <span className="muted">Delete it?</span>
                      <button
                        className="small danger"
                        disabled={busy === schedule.id}
                        onClick={() => void act(schedule.id, () => del(url(schedule.id)))}
                      >
                        Delete
                      </button>
                      <button className="small" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <>
                      <button
                        className="small"
                        disabled={busy === schedule.id}
                        onClick={() =>
                          void act(schedule.id, () =>
                            patch(url(schedule.id), { enabled: !schedule.enabled }),
                          )
                        }
                      >
                        {schedule.enabled ? "Pause" : "Resume"}
                      </button>
                      <button
                        className="small danger"
                        disabled={busy === schedule.id}
                        onClick={() => setConfirming(schedule.id)}
                      >
                        Delete…
                      </button>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
