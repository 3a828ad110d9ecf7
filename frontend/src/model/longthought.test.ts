import { describe, expect, it } from "vitest";

import {
  canReview,
  deriveRequest,
  DERIVE_DEFAULTS,
  draftKey,
  dropDraft,
  linkedSteps,
  loadDraft,
  parseDraft,
  parseSpans,
  passageOfNode,
  planActions,
  relocateSpans,
  saveDraft,
  splitSteinerTokens,
  thoughtPassages,
  tokenLabel,
  visibleSteinerPieces,
  toPassages,
} from "./longthought";
import type { DraftStore, Span } from "./longthought";

// A prose journey as the server renders it (trees/core/render.py), spans included.
const RENDERED =
  "12 / 2 = 6 groups of pens.\n6 * 3 = 18 dollars.\nWait, this leads to 18, not 8. Going back " +
  "to the start.\n12 / 3 = 4 groups of pens.\n4 * 2 = 8 dollars.\nThe answer is 8\n\nAnswer: 8";

function spansOf(text: string, steps: [number, string][]): Span[] {
  let cursor = 0;
  return steps.map(([node, step]) => {
    const at = text.indexOf(step, cursor);
    cursor = at + step.length;
    return [node, at, at + step.length] as const;
  });
}

const SPANS = spansOf(RENDERED, [
  [8, "12 / 2 = 6 groups of pens."],
  [18, "6 * 3 = 18 dollars."],
  [7, "12 / 3 = 4 groups of pens."],
  [16, "4 * 2 = 8 dollars."],
  [28, "The answer is 8"],
]);

describe("parseSpans", () => {
  it("keeps well-formed spans in order", () => {
    expect(
      parseSpans([
        [1, 0, 3],
        [2, 4, 9],
      ]),
    ).toEqual([
      [1, 0, 3],
      [2, 4, 9],
    ]);
  });
  it("drops malformed, empty and overlapping spans", () => {
    expect(parseSpans(null)).toEqual([]);
    expect(parseSpans("x")).toEqual([]);
    expect(
      parseSpans([
        [1, 0],
        [2, 5, 5],
        [3, "a", 4],
        [4, 0, 6],
        [5, 3, 8],
        [6, 6, 7],
      ]),
    ).toEqual([
      [4, 0, 6],
      [6, 6, 7],
    ]);
  });
});

describe("toPassages", () => {
  it("links each step to its node and keeps the transitions and answer as plain text", () => {
    const passages = toPassages(RENDERED, SPANS);
    expect(passages.map((p) => p.nodeId)).toEqual([8, 18, null, 7, 16, 28, null]);
    expect(passages[2]?.text).toBe("Wait, this leads to 18, not 8. Going back to the start.");
    expect(passages.at(-1)?.text).toBe("Answer: 8");
    for (const passage of passages.filter((p) => p.nodeId !== null)) {
      expect(RENDERED.slice(passage.start, passage.end)).toBe(passage.text);
    }
  });
  it("covers the whole text between its passages", () => {
    const passages = toPassages(RENDERED, SPANS);
    const joined = passages.map((p) => p.text).join("\n");
    expect(joined.replace(/\n+/g, "\n")).toBe(RENDERED.replace(/\n+/g, "\n"));
  });
  it("gives plain text without spans one unlinked passage, and empty text none", () => {
    expect(toPassages("just text", [])).toEqual([
      { nodeId: null, text: "just text", start: 0, end: 9 },
    ]);
    expect(toPassages("", [])).toEqual([]);
  });
  it("ignores spans past the end of the text", () => {
    expect(
      toPassages("abc", [
        [1, 0, 2],
        [2, 2, 10],
      ]).map((p) => p.nodeId),
    ).toEqual([1, null]);
  });
});

describe("relocateSpans", () => {
  it("follows steps that moved in an edit and unlinks the ones that changed", () => {
    const edited = RENDERED.replace("12 / 2 = 6 groups", "Twelve / 2 = 6 groups")
      .replace("6 * 3 = 18 dollars.", "6 * 3 = 18 dollars, far too much.")
      .replace("4 * 2 = 8 dollars.", "So: 4 * 2 = 8 dollars.");
    const moved = relocateSpans(RENDERED, SPANS, edited);
    // A rewritten opening loses its link; an edited ending keeps it, to the end of the line;
    // a step with words around it keeps its own text.
    expect(moved.map(([node]) => node)).toEqual([18, 7, 16, 28]);
    const texts = moved.map(([, start, end]) => edited.slice(start, end));
    expect(texts).toEqual([
      "6 * 3 = 18 dollars, far too much.",
      "12 / 3 = 4 groups of pens.",
      "4 * 2 = 8 dollars.",
      "The answer is 8",
    ]);
  });
  it("finds an edited step by its opening only at the start of a line", () => {
    const original = "first step here.\nsecond step is long.";
    const spans: Span[] = [
      [1, 0, 16],
      [2, 17, 38],
    ];
    const edited = "first step here.\nnote: second step is wrong\nsecond step is short.";
    expect(relocateSpans(original, spans, edited)).toEqual([
      [1, 0, 16],
      [2, 44, 65],
    ]);
  });
  it("keeps the order: a step found only before the previous one is unlinked", () => {
    const original = "a1\nb2";
    const spans: Span[] = [
      [1, 0, 2],
      [2, 3, 5],
    ];
    expect(relocateSpans(original, spans, "b2\na1")).toEqual([[1, 3, 5]]);
  });
  it("returns the spans unchanged for unchanged text", () => {
    expect(relocateSpans(RENDERED, SPANS, RENDERED)).toEqual(SPANS);
  });
});

describe("thoughtPassages", () => {
  it("uses the edited text when there is one", () => {
    const thought = {
      rendered_text: RENDERED,
      edited_text: RENDERED.replace("Answer: 8", "Answer: 8 dollars"),
      spans: SPANS,
    };
    const passages = thoughtPassages(thought);
    expect(passages.at(-1)?.text).toBe("Answer: 8 dollars");
    expect(linkedSteps(thought)).toEqual({ linked: 5, total: 5 });
    expect(passageOfNode(passages, 7)).toBe(3);
    expect(passageOfNode(passages, 99)).toBe(-1);
    expect(passageOfNode(passages, null)).toBe(-1);
  });
});

describe("splitSteinerTokens", () => {
  it("separates special tokens from the text between them", () => {
    const gap =
      "<|reasoning_step_thought_end|><|reasoning_step_reflection_start|>This leads to 18." +
      "<|reasoning_step_reflection_end|><|reasoning_step_end|><|reasoning_backtrack|>";
    expect(splitSteinerTokens(gap)).toEqual([
      { kind: "token", name: "reasoning_step_thought_end" },
      { kind: "token", name: "reasoning_step_reflection_start" },
      { kind: "text", text: "This leads to 18." },
      { kind: "token", name: "reasoning_step_reflection_end" },
      { kind: "token", name: "reasoning_step_end" },
      { kind: "token", name: "reasoning_backtrack" },
    ]);
    expect(splitSteinerTokens("Answer: 8")).toEqual([{ kind: "text", text: "Answer: 8" }]);
    expect(tokenLabel("reasoning_step_reflection_start")).toBe("reflection start");
    expect(tokenLabel("reasoning_backtrack")).toBe("backtrack");
    expect(tokenLabel("reasoning_end")).toBe("end of reasoning");
    expect(tokenLabel("reasoning_step_summary")).toBe("summary");
  });
  it("keeps only the tokens a reader needs", () => {
    const gap =
      "<|reasoning_step_thought_end|><|reasoning_step_summary_start|>So 6 groups." +
      "<|reasoning_step_summary_end|><|reasoning_step_end|><|reasoning_proceed|>" +
      "<|reasoning_step_start|><|reasoning_step_thought_start|>";
    expect(visibleSteinerPieces(gap)).toEqual([
      { kind: "token", name: "reasoning_step_summary" },
      { kind: "text", text: "So 6 groups." },
      { kind: "token", name: "reasoning_proceed" },
    ]);
    expect(visibleSteinerPieces("<|reasoning_start|><|reasoning_step_start|>")).toEqual([
      { kind: "token", name: "reasoning" },
    ]);
  });
});

describe("drafts", () => {
  function memoryStore(): DraftStore & { data: Map<string, string> } {
    const data = new Map<string, string>();
    return {
      data,
      getItem: (key) => data.get(key) ?? null,
      setItem: (key, value) => void data.set(key, value),
      removeItem: (key) => void data.delete(key),
    };
  }
  it("round-trips a draft per long thought and drops it", () => {
    const store = memoryStore();
    saveDraft(store, 3, { text: "mine", version: 2, savedAt: "t" });
    expect(store.data.has(draftKey(3))).toBe(true);
    expect(loadDraft(store, 3)).toEqual({ text: "mine", version: 2, savedAt: "t" });
    expect(loadDraft(store, 4)).toBeNull();
    dropDraft(store, 3);
    expect(loadDraft(store, 3)).toBeNull();
  });
  it("ignores what is not a draft", () => {
    expect(parseDraft("{")).toBeNull();
    expect(parseDraft('{"text": 1, "version": 1}')).toBeNull();
    expect(parseDraft('{"text": "x", "version": -1}')).toBeNull();
    expect(parseDraft(null)).toBeNull();
  });
  it("survives a storage that throws", () => {
    const broken: DraftStore = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("full");
      },
      removeItem: () => {
        throw new Error("denied");
      },
    };
    expect(loadDraft(broken, 1)).toBeNull();
    expect(() => saveDraft(broken, 1, { text: "x", version: 1, savedAt: "" })).not.toThrow();
    expect(() => dropDraft(broken, 1)).not.toThrow();
  });
});

describe("deriveRequest", () => {
  it("builds the request from the defaults", () => {
    expect(deriveRequest(DERIVE_DEFAULTS)).toEqual({
      body: { style: "journey", render: "prose", max_wrong: 2, max_depth_wrong: 2 },
      errors: null,
    });
  });
  it("passes a seed and checks the ranges", () => {
    expect(deriveRequest({ ...DERIVE_DEFAULTS, seed: " 7 " }).body?.seed).toBe(7);
    const bad = deriveRequest({
      ...DERIVE_DEFAULTS,
      maxWrong: "33",
      maxDepthWrong: "x",
      seed: "-1",
    });
    expect(bad.body).toBeNull();
    expect(Object.keys(bad.errors ?? {}).sort()).toEqual(["maxDepthWrong", "maxWrong", "seed"]);
  });
});

describe("planActions", () => {
  it("reads what the derivation did at each node", () => {
    const plan = [
      { node: 8, action: "proceed" },
      { node: 18, action: "backtrack", returns_to: 1, reason: "r" },
      { node: 28, action: "end" },
      { node: "x", action: "end" },
      { node: 3, action: "jump" },
      null,
    ];
    expect([...planActions(plan)]).toEqual([
      [8, "proceed"],
      [18, "backtrack"],
      [28, "end"],
    ]);
    expect(planActions(undefined).size).toBe(0);
  });
  it("lets reviewers, leads and admins review", () => {
    expect(["admin", "lead", "reviewer", "expert", null].map(canReview)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
