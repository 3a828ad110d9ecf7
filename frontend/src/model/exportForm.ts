// The export form's logic: the six formats and which filters each one reads, the form's state
// turned into an API request (or errors by field), schedule timings, and the readable
// summaries the exports page shows. Framework-free; the page is a thin layer over it.
import { isActive } from "../api/jobStatus";

export type ExportFormatId =
  "sft-journey" | "sft-shortcut" | "dpo" | "prm-stepwise" | "prm800k" | "steiner";

export interface FormatInfo {
  id: ExportFormatId;
  label: string;
  help: string;
}

export const FORMATS: readonly FormatInfo[] = [
  {
    id: "prm-stepwise",
    label: "PRM stepwise",
    help: "TRL stepwise supervision: prompt, completions, labels, cut at the first error.",
  },
  {
    id: "prm800k",
    label: "PRM800K",
    help: "OpenAI's PRM800K lines: one per labelled path, ratings -1 / 0 / +1.",
  },
  {
    id: "sft-journey",
    label: "SFT journey",
    help: "Chat rows whose answer is a long thought with wrong turns and backtracks.",
  },
  {
    id: "sft-shortcut",
    label: "SFT shortcut",
    help: "Chat rows whose answer is the correct path only.",
  },
  {
    id: "dpo",
    label: "DPO",
    help: "TRL preference pairs: a +1 step against a -1 sibling, correct against wrong solutions.",
  },
  {
    id: "steiner",
    label: "Steiner",
    help: "Journeys in Steiner's special-token format, with proceed and backtrack tokens.",
  },
];

export const formatLabel = (id: string): string =>
  FORMATS.find((format) => format.id === id)?.label ?? id;

/** Groups of filters; every format reads `problems`, `labels` and `tokens`. */
export type FilterGroup = "problems" | "labels" | "thoughts" | "journey" | "prm" | "dpo" | "tokens";

const GROUPS: Record<ExportFormatId, readonly FilterGroup[]> = {
  "sft-journey": ["problems", "labels", "thoughts", "journey", "tokens"],
  "sft-shortcut": ["problems", "labels", "thoughts", "tokens"],
  steiner: ["problems", "labels", "thoughts", "journey", "tokens"],
  "prm-stepwise": ["problems", "labels", "prm", "tokens"],
  prm800k: ["problems", "labels", "tokens"],
  dpo: ["problems", "labels", "dpo", "tokens"],
};

export function filterGroups(format: ExportFormatId): ReadonlySet<FilterGroup> {
  return new Set(GROUPS[format]);
}

export interface ExportFormState {
  format: ExportFormatId;
  /** Problem ids and ranges, "1, 4, 10-20"; empty: the whole campaign. */
  problems: string;
  approvedOnly: boolean;
  labels: "consensus" | "gold";
  minExperts: string;
  zeroIsTrue: boolean;
  /** PRM stepwise: a `values` column of Monte-Carlo soft labels beside the booleans. */
  softLabels: boolean;
  dpoLevel: "both" | "step" | "solution";
  maxPairs: string;
  maxWrong: string;
  maxDepthWrong: string;
  /** "" for no token limits, "demo" for the demo tokenizer, "path" for a local directory. */
  tokenizer: "" | "demo" | "path";
  tokenizerPath: string;
  maxReasoningTokens: string;
  maxTotalTokens: string;
}

// The server's defaults (trees.exporting.spec.ExportSpec).
export const EXPORT_DEFAULTS: ExportFormState = {
  format: "prm-stepwise",
  problems: "",
  approvedOnly: false,
  labels: "consensus",
  minExperts: "1",
  zeroIsTrue: false,
  softLabels: false,
  dpoLevel: "both",
  maxPairs: "8",
  maxWrong: "2",
  maxDepthWrong: "2",
  tokenizer: "",
  tokenizerPath: "",
  maxReasoningTokens: "4096",
  maxTotalTokens: "8192",
};

/** The filters part of an export or schedule request (format-specific keys only). */
export interface ExportFilters {
  problems?: number[];
  approved_only?: boolean;
  labels: "consensus" | "gold";
  min_experts: number;
  zero_is_true?: boolean;
  soft_labels?: boolean;
  dpo_level?: "both" | "step" | "solution";
  max_pairs?: number;
  max_wrong?: number;
  max_depth_wrong?: number;
  tokenizer?: string;
  max_reasoning_tokens?: number;
  max_total_tokens?: number;
}

export type FieldErrors = Partial<Record<keyof ExportFormState | string, string>>;

export type Checked<T> = { value: T; errors: null } | { value: null; errors: FieldErrors };

export const MAX_PROBLEM_IDS = 50_000;

/** "1, 4, 10-12" as sorted unique ids [1, 4, 10, 11, 12]; an error message for anything else. */
export function parseProblemIds(text: string): number[] | string {
  const ids = new Set<number>();
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) return `"${part}" is not a problem id or a range like 10-20.`;
    const low = Number(range[1]);
    const high = range[2] === undefined ? low : Number(range[2]);
    if (low < 1 || high < low) return `"${part}" is not a valid range.`;
    if (high - low + ids.size >= MAX_PROBLEM_IDS) {
      return `At most ${MAX_PROBLEM_IDS.toLocaleString("en")} problems in one export.`;
    }
    for (let id = low; id <= high; id += 1) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** A whole number written in `text` within [low, high], or null. */
export function wholeNumber(text: string, low: number, high: number): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value >= low && value <= high ? value : null;
}

/** The form's filters for its format, or what is wrong, by field. */
export function exportFilters(state: ExportFormState): Checked<ExportFilters> {
  const groups = filterGroups(state.format);
  const errors: FieldErrors = {};
  const number = (field: keyof ExportFormState, low: number, high: number, what: string) => {
    const value = wholeNumber(String(state[field]), low, high);
    if (value === null) errors[field] = `${what}: a whole number from ${low} to ${high}.`;
    return value ?? low;
  };
  const filters: ExportFilters = {
    labels: state.labels,
    min_experts: 1,
  };
  if (state.problems.trim()) {
    const ids = parseProblemIds(state.problems);
    if (typeof ids === "string") errors.problems = ids;
    else filters.problems = ids;
  }
  if (state.labels === "consensus") {
    filters.min_experts = number("minExperts", 1, 1000, "Minimum experts");
  }
  if (groups.has("thoughts")) filters.approved_only = state.approvedOnly;
  if (groups.has("journey")) {
    filters.max_wrong = number("maxWrong", 0, 32, "Wrong turns per step");
    filters.max_depth_wrong = number("maxDepthWrong", 0, 64, "Depth of a wrong turn");
  }
  if (groups.has("prm")) {
    filters.zero_is_true = state.zeroIsTrue;
    filters.soft_labels = state.softLabels;
  }
  if (groups.has("dpo")) {
    filters.dpo_level = state.dpoLevel;
    filters.max_pairs = number("maxPairs", 1, 10_000, "Pairs per problem");
  }
  if (state.tokenizer) {
    if (state.tokenizer === "path" && !state.tokenizerPath.trim()) {
      errors.tokenizerPath = "Give the directory that holds the tokenizer.json.";
    }
    filters.tokenizer = state.tokenizer === "demo" ? "demo" : state.tokenizerPath.trim();
    const reasoning = number("maxReasoningTokens", 1, 10_000_000, "Reasoning token limit");
    const total = number("maxTotalTokens", 1, 10_000_000, "Total token limit");
    if (!errors.maxReasoningTokens && !errors.maxTotalTokens && reasoning > total) {
      errors.maxReasoningTokens = "The reasoning limit cannot be above the total limit.";
    }
    filters.max_reasoning_tokens = reasoning;
    filters.max_total_tokens = total;
  }
  return Object.keys(errors).length ? { value: null, errors } : { value: filters, errors: null };
}

export interface ExportRequestBody extends ExportFilters {
  format: ExportFormatId;
}

export function exportRequest(state: ExportFormState): Checked<ExportRequestBody> {
  const checked = exportFilters(state);
  if (checked.errors) return checked;
  return { value: { format: state.format, ...checked.value }, errors: null };
}

// --- Schedules ---------------------------------------------------------------------------------

export interface ScheduleFormState {
  name: string;
  timing: "interval" | "crontab";
  every: string;
  period: "days" | "hours" | "minutes";
  minute: string;
  hour: string;
  dayOfWeek: string;
  dayOfMonth: string;
  monthOfYear: string;
  enabled: boolean;
}

export const SCHEDULE_DEFAULTS: ScheduleFormState = {
  name: "",
  timing: "interval",
  every: "1",
  period: "days",
  minute: "0",
  hour: "3",
  dayOfWeek: "*",
  dayOfMonth: "*",
  monthOfYear: "*",
  enabled: true,
};

export interface Interval {
  every: number;
  period: "days" | "hours" | "minutes";
}

export interface Crontab {
  minute: string;
  hour: string;
  day_of_week: string;
  day_of_month: string;
  month_of_year: string;
}

export interface ScheduleRequestBody extends ExportRequestBody {
  name: string;
  enabled: boolean;
  interval?: Interval;
  crontab?: Crontab;
}

// A crontab field: numbers, names (mon, jan), *, ranges, lists and steps. The server checks
// the values; this catches typing slips before the round trip.
const CRON_FIELD = /^(\*|[0-9a-z]+(-[0-9a-z]+)?)(\/\d+)?(,(\*|[0-9a-z]+(-[0-9a-z]+)?)(\/\d+)?)*$/i;

export function scheduleRequest(
  exportState: ExportFormState,
  state: ScheduleFormState,
): Checked<ScheduleRequestBody> {
  const checked = exportRequest(exportState);
  const errors: FieldErrors = checked.errors ? { ...checked.errors } : {};
  if (state.name.length > 150) errors.name = "A name is at most 150 characters.";
  let timing: { interval: Interval } | { crontab: Crontab } | null = null;
  if (state.timing === "interval") {
    const every = wholeNumber(state.every, 1, 100_000);
    if (every === null) errors.every = "Every: a whole number from 1 to 100000.";
    else timing = { interval: { every, period: state.period } };
  } else {
    const crontab: Crontab = {
      minute: state.minute.trim() || "*",
      hour: state.hour.trim() || "*",
      day_of_week: state.dayOfWeek.trim() || "*",
      day_of_month: state.dayOfMonth.trim() || "*",
      month_of_year: state.monthOfYear.trim() || "*",
    };
    const names: [keyof Crontab, keyof ScheduleFormState][] = [
      ["minute", "minute"],
      ["hour", "hour"],
      ["day_of_week", "dayOfWeek"],
      ["day_of_month", "dayOfMonth"],
      ["month_of_year", "monthOfYear"],
    ];
    for (const [key, field] of names) {
      if (!CRON_FIELD.test(crontab[key])) {
        errors[field] = `"${crontab[key]}" is not a crontab value (e.g. *, 5, 1-5, */15).`;
      }
    }
    timing = { crontab };
  }
  if (checked.errors || Object.keys(errors).length || timing === null) {
    return { value: null, errors };
  }
  return {
    value: { ...checked.value, name: state.name.trim(), enabled: state.enabled, ...timing },
    errors: null,
  };
}

/** A schedule's timing in words: "every 2 hours", "cron 30 2 * * 1-5 (UTC)". */
export function describeTiming(interval: Interval | null, crontab: Crontab | null): string {
  if (interval) {
    const unit = interval.every === 1 ? interval.period.replace(/s$/, "") : interval.period;
    return interval.every === 1 ? `every ${unit}` : `every ${interval.every} ${unit}`;
  }
  if (crontab) {
    const { minute, hour, day_of_month, month_of_year, day_of_week } = crontab;
    const rest = [day_of_month, month_of_year, day_of_week];
    if (/^\d+$/.test(minute) && /^\d+$/.test(hour) && rest.every((field) => field === "*")) {
      return `daily at ${hour.padStart(2, "0")}:${minute.padStart(2, "0")} UTC`;
    }
    return `cron ${minute} ${hour} ${day_of_month} ${month_of_year} ${day_of_week} (UTC)`;
  }
  return "no timing";
}

// --- Summaries ---------------------------------------------------------------------------------

/** The filters an export or schedule was made with, as short phrases; defaults are left out. */
export function describeFilters(format: string, raw: unknown): string[] {
  if (typeof raw !== "object" || raw === null) return [];
  const filters = raw as Record<string, unknown>;
  const known = FORMATS.some((info) => info.id === format);
  const groups = known ? filterGroups(format as ExportFormatId) : new Set<FilterGroup>();
  const out: string[] = [];
  const problems = filters.problems;
  if (Array.isArray(problems)) {
    out.push(
      problems.length === 1 ? `problem ${String(problems[0])}` : `${problems.length} problems`,
    );
  }
  if (filters.labels === "gold") out.push("gold labels only");
  else if (typeof filters.min_experts === "number" && filters.min_experts > 1) {
    out.push(`consensus of ≥${filters.min_experts} experts`);
  }
  if (groups.has("thoughts") && filters.approved_only === true) out.push("approved thoughts only");
  if (groups.has("journey")) {
    const wrong = filters.max_wrong;
    const depth = filters.max_depth_wrong;
    if ((wrong !== undefined && wrong !== 2) || (depth !== undefined && depth !== 2)) {
      out.push(`wrong turns ${String(wrong ?? 2)}×${String(depth ?? 2)}`);
    }
  }
  if (groups.has("prm") && filters.zero_is_true === true) out.push("0 → true");
  if (groups.has("prm") && filters.soft_labels === true) out.push("soft labels");
  if (groups.has("dpo")) {
    const level = typeof filters.dpo_level === "string" ? filters.dpo_level : "both";
    const pairs = typeof filters.max_pairs === "number" ? filters.max_pairs : 8;
    if (level !== "both" || pairs !== 8) {
      out.push(`${level === "both" ? "step + solution" : level} pairs, cap ${pairs}`);
    }
  }
  if (typeof filters.tokenizer === "string" && filters.tokenizer) {
    const name = filters.tokenizer === "demo" ? "demo" : lastPart(filters.tokenizer);
    out.push(
      `< ${String(filters.max_reasoning_tokens ?? 4096)} / ${String(
        filters.max_total_tokens ?? 8192,
      )} tokens (${name})`,
    );
  }
  return out;
}

function lastPart(path: string): string {
  const parts = path.split("/").filter(Boolean);
  return parts.at(-1) ?? path;
}

/** Bytes in the units people read: 0 B, 812 B, 3.4 KB, 12 MB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "0 B";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, "$1")} ${units[unit]}`;
}

export const shortSha = (sha: string): string => (sha ? sha.slice(0, 10) : "");

/** Whether any export in the list is still being written (the page polls while so). */
export const anyActive = (exports: readonly { status?: string }[]): boolean =>
  exports.some((item) => isActive(item.status));

/** Progress as a percentage (0 when the total is not known yet). */
export function percent(progress: { done?: number; total?: number } | undefined): number {
  const done = progress?.done ?? 0;
  const total = progress?.total ?? 0;
  if (!total) return 0;
  return Math.max(0, Math.min(100, Math.round((100 * done) / total)));
}

// --- Server errors -----------------------------------------------------------------------------

// API field names -> the form's field names, so the server's messages land beside the inputs.
const FIELD_NAMES: Record<string, keyof ExportFormState | keyof ScheduleFormState> = {
  problems: "problems",
  approved_only: "approvedOnly",
  labels: "labels",
  min_experts: "minExperts",
  zero_is_true: "zeroIsTrue",
  soft_labels: "softLabels",
  dpo_level: "dpoLevel",
  max_pairs: "maxPairs",
  max_wrong: "maxWrong",
  max_depth_wrong: "maxDepthWrong",
  tokenizer: "tokenizerPath",
  max_reasoning_tokens: "maxReasoningTokens",
  max_total_tokens: "maxTotalTokens",
  name: "name",
  interval: "every",
  crontab: "minute",
};

/** An API error body ({detail, field} or {detail, fields: {name: [messages]}}) as a general
 * message and messages by form field. */
export function serverErrors(body: unknown): { message: string | null; fields: FieldErrors } {
  const fields: FieldErrors = {};
  if (typeof body !== "object" || body === null) return { message: null, fields };
  const data = body as Record<string, unknown>;
  const general: string[] = [];
  const byField = data.fields;
  if (typeof byField === "object" && byField !== null) {
    for (const [name, messages] of Object.entries(byField as Record<string, unknown>)) {
      const text = flatten(messages);
      const field = FIELD_NAMES[name];
      if (field) fields[field] = text;
      else general.push(name === "non_field_errors" ? text : `${name}: ${text}`);
    }
  } else if (typeof data.detail === "string") {
    const field = typeof data.field === "string" ? FIELD_NAMES[data.field] : undefined;
    if (field) fields[field] = data.detail;
    else general.push(data.detail);
  }
  return { message: general.length ? general.join(" ") : null, fields };
}

function flatten(messages: unknown): string {
  if (Array.isArray(messages)) return messages.map(flatten).join(" ");
  if (typeof messages === "object" && messages !== null) {
    return Object.entries(messages as Record<string, unknown>)
      .map(([key, value]) => `${key}: ${flatten(value)}`)
      .join(" ");
  }
  return String(messages);
}

/** When something happened, as people say it: "just now", "4 min ago", "3 h ago", else the
 * date and time. */
export function formatWhen(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "—";
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
