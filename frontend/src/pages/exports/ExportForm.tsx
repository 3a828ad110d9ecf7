// The new-export form: a format, the filters that format reads, and two ways to use them: export
// now, or save them as a schedule. Checks in the browser first (model/exportForm), then shows
// the server's own messages beside the fields they are about.
import type { ReactNode } from "react";
import { useState } from "react";

import { ApiError, post } from "../../api/client";
import type { Export, ExportSchedule, Job } from "../../api/types";
import { ErrorNote } from "../../components/ErrorNote";
import type { ExportFormState, FieldErrors, ScheduleFormState } from "../../model/exportForm";
import {
  EXPORT_DEFAULTS,
  exportRequest,
  filterGroups,
  formatLabel,
  FORMATS,
  SCHEDULE_DEFAULTS,
  scheduleRequest,
  serverErrors,
} from "../../model/exportForm";

interface Props {
  slug: string;
  onStarted: (exp: Export) => void;
  onScheduled: (schedule: ExportSchedule) => void;
}

type Busy = "export" | "schedule" | null;

export function ExportForm({ slug, onStarted, onScheduled }: Props) {
  const [form, setForm] = useState<ExportFormState>(EXPORT_DEFAULTS);
  const [schedule, setSchedule] = useState<ScheduleFormState>(SCHEDULE_DEFAULTS);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const groups = filterGroups(form.format);

  const set = <K extends keyof ExportFormState>(key: K, value: ExportFormState[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, [key]: undefined }));
  };
  const setTiming = <K extends keyof ScheduleFormState>(key: K, value: ScheduleFormState[K]) => {
    setSchedule((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, [key]: undefined }));
  };

  async function submit<T>(
    kind: Exclude<Busy, null>,
    path: string,
    body: unknown,
  ): Promise<T | null> {
    setBusy(kind);
    setMessage(null);
    setNotice(null);
    try {
      return await post<T>(path, body);
    } catch (error) {
      if (error instanceof ApiError) {
        const found = serverErrors(error.body);
        setErrors(found.fields);
        const fallback = Object.keys(found.fields).length
          ? "The server did not accept these settings; see the fields marked below."
          : error.message;
        setMessage(found.message ?? fallback);
      } else {
        setMessage(error instanceof Error ? error.message : String(error));
      }
      return null;
    } finally {
      setBusy(null);
    }
  }

  async function startExport() {
    const checked = exportRequest(form);
    if (checked.errors) {
      setErrors(checked.errors);
      setNotice(null);
      setMessage("Some settings need fixing before the export can start.");
      return;
    }
    const created = await submit<{ export: Export; job: Job }>(
      "export",
      `/campaigns/${slug}/exports/`,
      checked.value,
    );
    if (created) {
      setErrors({});
      setNotice(`Started ${formatLabel(created.export.format)} export v${created.export.version}.`);
      onStarted(created.export);
    }
  }

  async function createSchedule() {
    const checked = scheduleRequest(form, schedule);
    if (checked.errors) {
      setErrors(checked.errors);
      setNotice(null);
      setMessage("Some settings need fixing before the schedule can be saved.");
      return;
    }
    const created = await submit<ExportSchedule>(
      "schedule",
      `/campaigns/${slug}/export-schedules/`,
      checked.value,
    );
    if (created) {
      setErrors({});
      setNotice(`Saved schedule “${created.name || formatLabel(created.format)}”.`);
      setSchedule((current) => ({ ...current, name: "" }));
      onScheduled(created);
    }
  }

  return (
    <section className="card exp-form" aria-label="New export">
      <h2>New export</h2>
      <div className="exp-formats" role="radiogroup" aria-label="Format">
        {FORMATS.map((format) => (
          <label
            key={format.id}
            className={format.id === form.format ? "exp-format selected" : "exp-format"}
          >
            <input
              type="radio"
              name="format"
              value={format.id}
              checked={format.id === form.format}
              onChange={() => set("format", format.id)}
            />
            <span className="exp-format-name">{format.label}</span>
            <span className="exp-format-help">{format.help}</span>
          </label>
        ))}
      </div>

      <div className="exp-fields">
        <Field label="Problems" error={errors.problems} hint="Ids or ranges; empty for all">
          <input
            name="problems"
            placeholder="all problems"
            value={form.problems}
            onChange={(event) => set("problems", event.target.value)}
          />
        </Field>
        <Field label="Labels" error={errors.labels}>
          <select
            name="labels"
            value={form.labels}
            onChange={(event) => set("labels", event.target.value as ExportFormState["labels"])}
          >
            <option value="consensus">Consensus (gold where set)</option>
            <option value="gold">Gold labels only</option>
          </select>
        </Field>
        <Field
          label="Minimum experts"
          error={errors.minExperts}
          hint={form.labels === "gold" ? "Only for consensus" : "Labels needed per step"}
        >
          <input
            name="min_experts"
            inputMode="numeric"
            disabled={form.labels === "gold"}
            value={form.minExperts}
            onChange={(event) => set("minExperts", event.target.value)}
          />
        </Field>

        {groups.has("thoughts") && (
          <Field label="Long thoughts" error={errors.approvedOnly}>
            <label className="exp-check">
              <input
                type="checkbox"
                name="approved_only"
                checked={form.approvedOnly}
                onChange={(event) => set("approvedOnly", event.target.checked)}
              />
              Approved only
            </label>
          </Field>
        )}
        {groups.has("journey") && (
          <>
            <Field label="Wrong turns per step" error={errors.maxWrong}>
              <input
                name="max_wrong"
                inputMode="numeric"
                value={form.maxWrong}
                onChange={(event) => set("maxWrong", event.target.value)}
              />
            </Field>
            <Field label="Depth of a wrong turn" error={errors.maxDepthWrong}>
              <input
                name="max_depth_wrong"
                inputMode="numeric"
                value={form.maxDepthWrong}
                onChange={(event) => set("maxDepthWrong", event.target.value)}
              />
            </Field>
          </>
        )}
        {groups.has("prm") && (
          <Field label="PRM labels" error={errors.zeroIsTrue} hint="+1 is always true">
            <label className="exp-check">
              <input
                type="checkbox"
                name="zero_is_true"
                checked={form.zeroIsTrue}
                onChange={(event) => set("zeroIsTrue", event.target.checked)}
              />
              Map 0 → true
            </label>
            <label className="exp-check">
              <input
                type="checkbox"
                name="soft_labels"
                checked={form.softLabels}
                onChange={(event) => set("softLabels", event.target.checked)}
              />
              Soft labels (Monte-Carlo values)
            </label>
          </Field>
        )}
        {groups.has("dpo") && (
          <>
            <Field label="DPO pairs" error={errors.dpoLevel}>
              <select
                name="dpo_level"
                value={form.dpoLevel}
                onChange={(event) =>
                  set("dpoLevel", event.target.value as ExportFormState["dpoLevel"])
                }
              >
                <option value="both">Step and solution</option>
                <option value="step">Step level</option>
                <option value="solution">Solution level</option>
              </select>
            </Field>
            <Field label="Pair cap" error={errors.maxPairs} hint="Per problem and level">
              <input
                name="max_pairs"
                inputMode="numeric"
                value={form.maxPairs}
                onChange={(event) => set("maxPairs", event.target.value)}
              />
            </Field>
          </>
        )}

        <Field label="Token limits" error={errors.tokenizer}>
          <select
            name="tokenizer"
            value={form.tokenizer}
            onChange={(event) =>
              set("tokenizer", event.target.value as ExportFormState["tokenizer"])
            }
          >
            <option value="">None</option>
            <option value="demo">Demo tokenizer</option>
            <option value="path">Tokenizer directory…</option>
          </select>
        </Field>
        {form.tokenizer === "path" && (
          <Field
            label="Tokenizer directory"
            error={errors.tokenizerPath}
            hint="Holds tokenizer.json"
          >
            <input
              name="tokenizer_path"
              placeholder="/models/my-model"
              value={form.tokenizerPath}
              onChange={(event) => set("tokenizerPath", event.target.value)}
            />
          </Field>
        )}
        {form.tokenizer && (
          <>
            <Field label="Reasoning below" error={errors.maxReasoningTokens} hint="tokens">
              <input
                name="max_reasoning_tokens"
                inputMode="numeric"
                value={form.maxReasoningTokens}
                onChange={(event) => set("maxReasoningTokens", event.target.value)}
              />
            </Field>
            <Field label="Total below" error={errors.maxTotalTokens} hint="tokens">
              <input
                name="max_total_tokens"
                inputMode="numeric"
                value={form.maxTotalTokens}
                onChange={(event) => set("maxTotalTokens", event.target.value)}
              />
            </Field>
          </>
        )}
      </div>

      <ErrorNote error={message} />
      {notice && (
        <div className="exp-notice" role="status">
          {notice}
        </div>
      )}

      <div className="exp-actions">
        <button
          className="primary"
          type="button"
          disabled={busy !== null}
          onClick={() => void startExport()}
        >
          {busy === "export" ? "Starting…" : `Export ${formatLabel(form.format)}`}
        </button>
        <span className="muted">
          Each export is a new version; files are JSONL with a manifest.
        </span>
      </div>

      <details className="exp-schedule">
        <summary>Run these settings on a schedule</summary>
        <div className="exp-fields">
          <Field label="Name" error={errors.name}>
            <input
              name="schedule_name"
              placeholder="e.g. nightly PRM"
              value={schedule.name}
              onChange={(event) => setTiming("name", event.target.value)}
            />
          </Field>
          <Field label="Timing">
            <select
              name="timing"
              value={schedule.timing}
              onChange={(event) =>
                setTiming("timing", event.target.value as ScheduleFormState["timing"])
              }
            >
              <option value="interval">Every…</option>
              <option value="crontab">Crontab (UTC)</option>
            </select>
          </Field>
          {schedule.timing === "interval" ? (
            <Field label="Every" error={errors.every}>
              <span className="exp-inline">
                <input
                  name="every"
                  inputMode="numeric"
                  className="exp-short"
                  value={schedule.every}
                  onChange={(event) => setTiming("every", event.target.value)}
                />
                <select
                  name="period"
                  value={schedule.period}
                  onChange={(event) =>
                    setTiming("period", event.target.value as ScheduleFormState["period"])
                  }
                >
                  <option value="minutes">minutes</option>
                  <option value="hours">hours</option>
                  <option value="days">days</option>
                </select>
              </span>
            </Field>
          ) : (
            <Field
              label="Crontab"
              error={
                errors.minute ??
                errors.hour ??
                errors.dayOfMonth ??
                errors.monthOfYear ??
                errors.dayOfWeek
              }
              hint="minute · hour · day of month · month · day of week"
              wide
            >
              <span className="exp-inline">
                {(
                  [
                    ["minute", "min"],
                    ["hour", "hour"],
                    ["dayOfMonth", "day"],
                    ["monthOfYear", "month"],
                    ["dayOfWeek", "weekday"],
                  ] as const
                ).map(([key, label]) => (
                  <input
                    key={key}
                    name={`cron_${key}`}
                    aria-label={label}
                    title={label}
                    className={errors[key] ? "exp-cron invalid" : "exp-cron"}
                    value={schedule[key]}
                    onChange={(event) => setTiming(key, event.target.value)}
                  />
                ))}
              </span>
            </Field>
          )}
        </div>
        <div className="exp-actions">
          <button type="button" disabled={busy !== null} onClick={() => void createSchedule()}>
            {busy === "schedule" ? "Saving…" : "Create schedule"}
          </button>
          <label className="exp-check">
            <input
              type="checkbox"
              name="enabled"
              checked={schedule.enabled}
              onChange={(event) => setTiming("enabled", event.target.checked)}
            />
            Enabled
          </label>
          <span className="muted">
            Each run exports {formatLabel(form.format)} with the filters above as a new version.
          </span>
        </div>
      </details>
    </section>
  );
}

function Field({
  label,
  error,
  hint,
  wide,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  wide?: boolean;
  children: ReactNode;
}) {
  const classes = ["exp-field", error ? "invalid" : "", wide ? "wide" : ""].filter(Boolean);
  return (
    <div className={classes.join(" ")}>
      <span className="exp-field-label">{label}</span>
      {children}
      {error ? (
        <span className="exp-field-error" role="alert">
          {error}
        </span>
      ) : (
        hint && <span className="exp-field-hint">{hint}</span>
      )}
    </div>
  );
}
