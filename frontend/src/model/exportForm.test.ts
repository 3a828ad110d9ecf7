import { describe, expect, it } from "vitest";

import {
  anyActive,
  describeFilters,
  describeTiming,
  EXPORT_DEFAULTS,
  exportRequest,
  filterGroups,
  formatBytes,
  FORMATS,
  formatWhen,
  parseProblemIds,
  percent,
  SCHEDULE_DEFAULTS,
  scheduleRequest,
  serverErrors,
  shortSha,
} from "./exportForm";

describe("formats", () => {
  it("lists the six formats the server knows", () => {
    expect(FORMATS.map((f) => f.id).sort()).toEqual([
      "dpo",
      "prm-stepwise",
      "prm800k",
      "sft-journey",
      "sft-shortcut",
      "steiner",
    ]);
  });
  it("gives each format its own filters", () => {
    expect(filterGroups("prm-stepwise").has("prm")).toBe(true);
    expect(filterGroups("dpo").has("prm")).toBe(false);
    expect(filterGroups("dpo").has("dpo")).toBe(true);
    expect(filterGroups("sft-shortcut").has("thoughts")).toBe(true);
    expect(filterGroups("sft-shortcut").has("journey")).toBe(false);
    expect(filterGroups("steiner").has("journey")).toBe(true);
  });
});

describe("parseProblemIds", () => {
  it("reads ids and ranges, sorted and unique", () => {
    expect(parseProblemIds("3, 1 2-4,  10")).toEqual([1, 2, 3, 4, 10]);
    expect(parseProblemIds("")).toEqual([]);
  });
  it("says what is wrong", () => {
    expect(parseProblemIds("1, x")).toMatch(/"x" is not a problem id/);
    expect(parseProblemIds("5-2")).toMatch(/not a valid range/);
    expect(parseProblemIds("0")).toMatch(/not a valid range/);
    expect(parseProblemIds("1-60000")).toMatch(/At most 50,000/);
  });
});

describe("exportRequest", () => {
  it("sends only the filters the format reads", () => {
    expect(exportRequest(EXPORT_DEFAULTS)).toEqual({
      value: {
        format: "prm-stepwise",
        labels: "consensus",
        min_experts: 1,
        zero_is_true: false,
        soft_labels: false,
      },
      errors: null,
    });
    const dpo = exportRequest({
      ...EXPORT_DEFAULTS,
      format: "dpo",
      dpoLevel: "step",
      maxPairs: "3",
    });
    expect(dpo.value).toEqual({
      format: "dpo",
      labels: "consensus",
      min_experts: 1,
      dpo_level: "step",
      max_pairs: 3,
    });
    const journey = exportRequest({
      ...EXPORT_DEFAULTS,
      format: "sft-journey",
      approvedOnly: true,
      labels: "gold",
      minExperts: "not used with gold",
      problems: "2, 1",
      tokenizer: "demo",
    });
    expect(journey.value).toEqual({
      format: "sft-journey",
      problems: [1, 2],
      labels: "gold",
      min_experts: 1,
      approved_only: true,
      max_wrong: 2,
      max_depth_wrong: 2,
      tokenizer: "demo",
      max_reasoning_tokens: 4096,
      max_total_tokens: 8192,
    });
  });
  it("maps 0 to true for PRM only when asked", () => {
    expect(exportRequest({ ...EXPORT_DEFAULTS, zeroIsTrue: true }).value?.zero_is_true).toBe(true);
  });
  it("asks for soft labels on PRM stepwise rows only", () => {
    expect(exportRequest({ ...EXPORT_DEFAULTS, softLabels: true }).value?.soft_labels).toBe(true);
    const dpo = exportRequest({ ...EXPORT_DEFAULTS, format: "dpo", softLabels: true });
    expect(dpo.value).not.toHaveProperty("soft_labels");
    expect(describeFilters("prm-stepwise", { soft_labels: true })).toContain("soft labels");
  });
  it("checks numbers, ranges and the tokenizer", () => {
    const bad = exportRequest({
      ...EXPORT_DEFAULTS,
      format: "dpo",
      minExperts: "0",
      maxPairs: "1.5",
      problems: "a",
      tokenizer: "path",
      tokenizerPath: " ",
      maxReasoningTokens: "9000",
    });
    expect(bad.value).toBeNull();
    expect(Object.keys(bad.errors ?? {}).sort()).toEqual([
      "maxPairs",
      "maxReasoningTokens",
      "minExperts",
      "problems",
      "tokenizerPath",
    ]);
    expect(bad.errors?.maxReasoningTokens).toMatch(/above the total/);
  });
});

describe("scheduleRequest", () => {
  it("builds an interval schedule", () => {
    const made = scheduleRequest(EXPORT_DEFAULTS, { ...SCHEDULE_DEFAULTS, name: " nightly " });
    expect(made.value).toMatchObject({
      format: "prm-stepwise",
      name: "nightly",
      enabled: true,
      interval: { every: 1, period: "days" },
    });
    expect(made.value && "crontab" in made.value).toBe(false);
  });
  it("builds a crontab schedule, empty fields meaning any", () => {
    const made = scheduleRequest(EXPORT_DEFAULTS, {
      ...SCHEDULE_DEFAULTS,
      timing: "crontab",
      minute: "30",
      hour: "2",
      dayOfWeek: "1-5",
      dayOfMonth: "",
    });
    expect(made.value?.crontab).toEqual({
      minute: "30",
      hour: "2",
      day_of_week: "1-5",
      day_of_month: "*",
      month_of_year: "*",
    });
    expect(made.value?.interval).toBeUndefined();
  });
  it("reports timing and filter errors together", () => {
    const bad = scheduleRequest(
      { ...EXPORT_DEFAULTS, minExperts: "x" },
      { ...SCHEDULE_DEFAULTS, timing: "crontab", minute: "1 2", hour: "*/2" },
    );
    expect(Object.keys(bad.errors ?? {}).sort()).toEqual(["minExperts", "minute"]);
    expect(scheduleRequest(EXPORT_DEFAULTS, { ...SCHEDULE_DEFAULTS, every: "0" }).errors).toEqual({
      every: "Every: a whole number from 1 to 100000.",
    });
  });
});

describe("describeTiming", () => {
  it("says intervals and crontabs in words", () => {
    expect(describeTiming({ every: 1, period: "days" }, null)).toBe("every day");
    expect(describeTiming({ every: 6, period: "hours" }, null)).toBe("every 6 hours");
    const daily = {
      minute: "5",
      hour: "3",
      day_of_week: "*",
      day_of_month: "*",
      month_of_year: "*",
    };
    expect(describeTiming(null, daily)).toBe("daily at 03:05 UTC");
    expect(describeTiming(null, { ...daily, day_of_week: "1-5" })).toBe("cron 5 3 * * 1-5 (UTC)");
    expect(describeTiming(null, null)).toBe("no timing");
  });
});

describe("describeFilters", () => {
  it("names what differs from the defaults, for the format", () => {
    const canonical = {
      problems: null,
      approved_only: false,
      labels: "consensus",
      min_experts: 1,
      zero_is_true: false,
      max_pairs: 8,
      dpo_level: "both",
      max_wrong: 2,
      max_depth_wrong: 2,
      tokenizer: null,
      max_reasoning_tokens: 4096,
      max_total_tokens: 8192,
    };
    expect(describeFilters("prm-stepwise", canonical)).toEqual([]);
    expect(
      describeFilters("prm-stepwise", { ...canonical, zero_is_true: true, min_experts: 2 }),
    ).toEqual(["consensus of ≥2 experts", "0 → true"]);
    expect(describeFilters("dpo", { ...canonical, zero_is_true: true, dpo_level: "step" })).toEqual(
      ["step pairs, cap 8"],
    );
    expect(
      describeFilters("sft-journey", {
        ...canonical,
        labels: "gold",
        approved_only: true,
        problems: [4],
        tokenizer: "/models/qwen/",
      }),
    ).toEqual([
      "problem 4",
      "gold labels only",
      "approved thoughts only",
      "< 4096 / 8192 tokens (qwen)",
    ]);
    expect(describeFilters("dpo", null)).toEqual([]);
  });
});

describe("small formatters", () => {
  it("formats sizes, checksums, progress and activity", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(812)).toBe("812 B");
    expect(formatBytes(3400)).toBe("3.4 KB");
    expect(formatBytes(12_000_000)).toBe("12 MB");
    expect(formatBytes(1_234_567)).toBe("1.23 MB");
    expect(shortSha("0123456789abcdef")).toBe("0123456789");
    expect(percent({ done: 1, total: 3 })).toBe(33);
    expect(percent({ done: 0, total: 0 })).toBe(0);
    expect(percent(undefined)).toBe(0);
    expect(anyActive([{ status: "succeeded" }, { status: "running" }])).toBe(true);
    expect(anyActive([{ status: "failed" }])).toBe(false);
  });
});

describe("serverErrors", () => {
  it("puts field messages beside their inputs", () => {
    expect(
      serverErrors({
        detail: "Invalid input.",
        fields: {
          min_experts: ["Too small."],
          non_field_errors: ["Give either interval or crontab."],
        },
      }),
    ).toEqual({
      message: "Give either interval or crontab.",
      fields: { minExperts: "Too small." },
    });
    expect(serverErrors({ detail: "No tokenizer.json in /x.", field: "tokenizer" })).toEqual({
      message: null,
      fields: { tokenizerPath: "No tokenizer.json in /x." },
    });
    expect(serverErrors({ detail: "Nope." })).toEqual({ message: "Nope.", fields: {} });
    expect(serverErrors(undefined)).toEqual({ message: null, fields: {} });
  });
});

describe("formatWhen", () => {
  it("says recent times relative to now", () => {
    const now = Date.parse("2026-01-02T12:00:00Z");
    expect(formatWhen("2026-01-02T11:59:50Z", now)).toBe("just now");
    expect(formatWhen("2026-01-02T11:56:00Z", now)).toBe("4 min ago");
    expect(formatWhen("2026-01-02T09:00:00Z", now)).toBe("3 h ago");
    expect(formatWhen("2025-12-20T09:00:00Z", now)).toMatch(/2025/);
    expect(formatWhen(null, now)).toBe("—");
    expect(formatWhen("garbage", now)).toBe("garbage");
  });
});
