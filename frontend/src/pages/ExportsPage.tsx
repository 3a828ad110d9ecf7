// The data lead's exports page: start an export in any format with its filters, watch it run,
// download it; schedule exports. Leads and admins only (the API answers 403 to others).
import "./exports.css";

import { useEffect } from "react";
import { Link, useParams } from "react-router";

import { ApiError, get } from "../api/client";
import type { Campaign, Export, ExportSchedule, Page } from "../api/types";
import { useFetch } from "../api/useFetch";
import { ErrorNote } from "../components/ErrorNote";
import { anyActive } from "../model/exportForm";
import { ExportForm } from "./exports/ExportForm";
import { ExportList } from "./exports/ExportList";
import { ScheduleList } from "./exports/ScheduleList";

const POLL_MS = 1000;
const LIMIT = 50;

/** A list, or "forbidden" when the API says this user may not see it. */
async function loadOrForbidden<T>(path: string): Promise<T | "forbidden"> {
  try {
    return await get<T>(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return "forbidden";
    throw error;
  }
}

export function ExportsPage() {
  const { slug = "" } = useParams();
  const campaign = useFetch(() => get<Campaign>(`/campaigns/${slug}/`), [slug]);
  const exports = useFetch(
    () => loadOrForbidden<Page<Export>>(`/campaigns/${slug}/exports/?limit=${LIMIT}`),
    [slug],
  );
  const schedules = useFetch(
    () => loadOrForbidden<Page<ExportSchedule>>(`/campaigns/${slug}/export-schedules/?limit=200`),
    [slug],
  );
  const exportPage = exports.data === "forbidden" ? undefined : exports.data;
  const active = exportPage ? anyActive(exportPage.results) : false;
  const reloadExports = exports.reload;

  // While an export is queued or running, ask again a second after each answer (not on a
  // fixed timer, so a slow server is never asked twice at once).
  useEffect(() => {
    if (!active) return;
    const timer = window.setTimeout(reloadExports, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [active, exportPage, reloadExports]);

  const forbidden = exports.data === "forbidden" || schedules.data === "forbidden";
  const scheduleList = schedules.data === "forbidden" ? undefined : schedules.data;

  return (
    <div className="page exp-page">
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="/">Campaigns</Link> /{" "}
            <Link to={`/campaigns/${slug}`}>{campaign.data?.name ?? slug}</Link> /
          </div>
          <h1>Exports</h1>
        </div>
        {!forbidden && (
          <button
            type="button"
            onClick={() => {
              exports.reload();
              schedules.reload();
            }}
          >
            Refresh
          </button>
        )}
      </div>
      <ErrorNote error={campaign.error} />
      {forbidden ? (
        <div className="card exp-forbidden" role="alert">
          <h2>Exports are for data leads and admins</h2>
          <p className="muted">
            {campaign.data?.my_role
              ? `Your role in this campaign is ${campaign.data.my_role}. `
              : ""}
            Ask one of the campaign's admins for the lead role to export training data and set
            schedules.
          </p>
        </div>
      ) : (
        <>
          <ExportForm
            slug={slug}
            onStarted={() => exports.reload()}
            onScheduled={() => schedules.reload()}
          />

          <section className="exp-section" aria-label="Exports">
            <div className="exp-section-head">
              <h2>Exports</h2>
              {active && <span className="muted exp-live">● updating live</span>}
            </div>
            <ErrorNote error={exports.error} />
            {exportPage ? (
              <ExportList exports={exportPage.results} total={exportPage.count} />
            ) : (
              exports.loading && <p className="muted">Loading…</p>
            )}
          </section>

          <section className="exp-section" aria-label="Schedules">
            <div className="exp-section-head">
              <h2>Schedules</h2>
              <span className="muted">django-celery-beat runs them; each run is a new version</span>
            </div>
            <ErrorNote error={schedules.error} />
            {scheduleList ? (
              <ScheduleList
                slug={slug}
                schedules={scheduleList.results}
                onChanged={() => schedules.reload()}
              />
            ) : (
              schedules.loading && <p className="muted">Loading…</p>
            )}
          </section>
        </>
      )}
    </div>
  );
}
