// What the workspace says about a step's verdict beside the verifier's: the import source's
// own claim when it disagrees, and values computed before a text change. Plain data, so the
// canvas card and the path panel agree.

interface VerdictFields {
  correctness: string;
  source_correct: boolean | null;
  values_stale: boolean;
  mc_soft: number | null;
  score: number | null;
  visits: number;
}

export interface SourceClaim {
  /** The badge's text: the source's claim, ✓ or ✗. */
  text: string;
  /** Why it is shown. */
  title: string;
}

/**
 * The source's claim about this step when it disagrees with the verifier: it said correct
 * and the verifier said incorrect (or the reverse), or it claimed a verdict where the verifier
 * found no answer to grade (a solution cut off mid-way). Null when they agree or the source
 * said nothing. These are where verifiers and datasets go wrong.
 */
export function sourceClaimConflict(node: VerdictFields): SourceClaim | null {
  if (node.source_correct === null || node.source_correct === undefined) return null;
  const claim = node.source_correct ? "correct" : "incorrect";
  const text = `source ${node.source_correct ? "✓" : "✗"}`;
  if (node.correctness === "unknown") {
    return { text, title: `The source says ${claim}; the verifier found no answer to grade.` };
  }
  if (node.correctness === claim) return null;
  return { text, title: `The source says ${claim}; the verifier says ${node.correctness}.` };
}

/** True when the step shows values (Monte-Carlo, score, visits) computed before a step's
 * text on its path or below it changed: they should be computed again. */
export function showsStaleValues(node: VerdictFields): boolean {
  const hasValues = node.mc_soft !== null || node.score !== null || node.visits > 0;
  return node.values_stale && hasValues;
}
