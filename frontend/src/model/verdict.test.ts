import { describe, expect, it } from "vitest";

import { apiNode } from "./fixtures";
import { showsStaleValues, sourceClaimConflict } from "./verdict";

describe("sourceClaimConflict", () => {
  it("says nothing when the source made no claim or agrees with the verifier", () => {
    expect(sourceClaimConflict(apiNode(2, 1, { correctness: "incorrect" }))).toBeNull();
    const agreed = apiNode(2, 1, { correctness: "correct", source_correct: true });
    expect(sourceClaimConflict(agreed)).toBeNull();
    const agreedWrong = apiNode(2, 1, { correctness: "incorrect", source_correct: false });
    expect(sourceClaimConflict(agreedWrong)).toBeNull();
  });

  it("shows the claim when the source and the verifier disagree", () => {
    const node = apiNode(2, 1, { correctness: "incorrect", source_correct: true });
    expect(sourceClaimConflict(node)).toEqual({
      text: "source ✓",
      title: "The source says correct; the verifier says incorrect.",
    });
    const reverse = apiNode(2, 1, { correctness: "correct", source_correct: false });
    expect(sourceClaimConflict(reverse)?.text).toBe("source ✗");
  });

  it("shows a claim on a step the verifier could not grade", () => {
    const cut = apiNode(2, 1, { correctness: "unknown", source_correct: true });
    expect(sourceClaimConflict(cut)?.title).toBe(
      "The source says correct; the verifier found no answer to grade.",
    );
  });
});

describe("showsStaleValues", () => {
  it("marks stale values only where there are values to mark", () => {
    expect(showsStaleValues(apiNode(2, 1, { values_stale: true, mc_soft: 0.5 }))).toBe(true);
    expect(showsStaleValues(apiNode(2, 1, { values_stale: true, visits: 3 }))).toBe(true);
    expect(showsStaleValues(apiNode(2, 1, { values_stale: true }))).toBe(false);
    expect(showsStaleValues(apiNode(2, 1, { values_stale: false, mc_soft: 0.5 }))).toBe(false);
  });
});
