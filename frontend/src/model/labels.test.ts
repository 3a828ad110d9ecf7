import { describe, expect, it } from "vitest";

import { apiNode } from "./fixtures";
import { applyChange, clearedNotice, describeChange, myLabelOf, planLabel } from "./labels";

describe("my label", () => {
  const rated = { rating: 1 as const, note: "fine", flagged: true };

  it("reads rating, note and flag from a node, and null without a rating", () => {
    expect(myLabelOf(apiNode(2, 1, { my_label: 0, my_note: "n", my_flagged: true }))).toEqual({
      rating: 0,
      note: "n",
      flagged: true,
    });
    expect(myLabelOf(apiNode(2, 1, { my_note: "", my_flagged: false }))).toBeNull();
  });

  it("changes one part and keeps the others", () => {
    expect(applyChange(rated, { rating: 0 })).toEqual({ rating: 0, note: "fine", flagged: true });
    expect(applyChange(rated, { note: "" })).toEqual({ rating: 1, note: "", flagged: true });
    expect(applyChange(null, { rating: -1 })).toEqual({ rating: -1, note: "", flagged: false });
  });

  it("needs a rating before a note or a flag", () => {
    expect(applyChange(null, { note: "x" })).toBe("needs rating");
    expect(planLabel(2, null, { flagged: true })).toBe("needs rating");
  });

  it("plans an undo entry that puts the whole label back, and none for no change", () => {
    const plan = planLabel(2, rated, { flagged: false });
    expect(plan).not.toBe("needs rating");
    if (plan === "needs rating") return;
    expect(plan.entry?.undo).toEqual({ type: "label", nodeId: 2, label: rated });
    expect(plan.entry?.redo).toEqual({
      type: "label",
      nodeId: 2,
      label: { ...rated, flagged: false },
    });
    expect(plan.entry?.label).toBe("unflag");
    const same = planLabel(2, rated, { note: "fine" });
    expect(same !== "needs rating" && same.entry).toBeNull();
    const cleared = planLabel(2, rated, null);
    expect(cleared !== "needs rating" && cleared.entry?.undo).toEqual({
      type: "label",
      nodeId: 2,
      label: rated,
    });
  });

  it("names what a change and a clear did", () => {
    expect(describeChange(null, { rating: 1, note: "", flagged: false })).toBe("label +1");
    expect(describeChange(rated, { ...rated, rating: -1, note: "why" })).toBe(
      "label \u22121, note",
    );
    expect(clearedNotice(rated)).toBe("Cleared my +1 label with its note and flag. z undoes it.");
    expect(clearedNotice({ rating: 0, note: "", flagged: false })).toBe(
      "Cleared my 0 label. z undoes it.",
    );
  });
});
