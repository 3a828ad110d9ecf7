// My label on a step: a rating with its note and flag, each changed on its own. A label needs
// a rating (the server refuses a note or flag on a step I have not rated: "label first").
import type { ApiNode, Rating } from "./types";
import type { Entry } from "./undo";

export interface MyLabel {
  rating: Rating;
  note: string;
  flagged: boolean;
}

/** A change to some parts of my label; the parts left out keep their values. */
export interface LabelChange {
  rating?: Rating;
  note?: string;
  flagged?: boolean;
}

export type MyLabelFields = Pick<ApiNode, "my_label" | "my_note" | "my_flagged">;

export function myLabelOf(node: MyLabelFields): MyLabel | null {
  const rating = node.my_label;
  if (rating !== 1 && rating !== 0 && rating !== -1) return null;
  return { rating, note: node.my_note ?? "", flagged: node.my_flagged ?? false };
}

export function labelFields(label: MyLabel | null): MyLabelFields {
  return label
    ? { my_label: label.rating, my_note: label.note, my_flagged: label.flagged }
    : { my_label: null, my_note: "", my_flagged: false };
}

/** My label after `change`; "needs rating" when the change adds a note or flag to no label. */
export function applyChange(
  current: MyLabel | null,
  change: LabelChange,
): MyLabel | "needs rating" {
  const rating = change.rating ?? current?.rating;
  if (rating === undefined) return "needs rating";
  return {
    rating,
    note: change.note ?? current?.note ?? "",
    flagged: change.flagged ?? current?.flagged ?? false,
  };
}

export function sameLabel(a: MyLabel | null, b: MyLabel | null): boolean {
  if (a === null || b === null) return a === b;
  return a.rating === b.rating && a.note === b.note && a.flagged === b.flagged;
}

export function ratingText(rating: Rating): string {
  return rating === 1 ? "+1" : rating === 0 ? "0" : "\u22121";
}

/** The words for an undo entry and its notice: "label +1", "note", "flag", "clear label". */
export function describeChange(before: MyLabel | null, after: MyLabel | null): string {
  if (after === null) return "clear label";
  const parts: string[] = [];
  if (before?.rating !== after.rating) parts.push(`label ${ratingText(after.rating)}`);
  if ((before?.note ?? "") !== after.note) parts.push(after.note ? "note" : "note removed");
  if ((before?.flagged ?? false) !== after.flagged) parts.push(after.flagged ? "flag" : "unflag");
  return parts.join(", ") || "label";
}

/** What clearing my label takes with it, for the notice that says so. */
export function clearedNotice(label: MyLabel): string {
  const extras = [label.note ? "note" : "", label.flagged ? "flag" : ""].filter(Boolean);
  const what = extras.length ? ` with its ${extras.join(" and ")}` : "";
  return `Cleared my ${ratingText(label.rating)} label${what}. z undoes it.`;
}

export const LABEL_FIRST = "Label this step first (1, 2 or 3): a note or flag belongs to a label.";

/** One change of my label, planned before it is sent: the label before and after, and the
 * undo entry (null when nothing changes). `null` as the change clears the whole label. */
export interface LabelPlan {
  before: MyLabel | null;
  after: MyLabel | null;
  entry: Entry | null;
}

export function planLabel(
  nodeId: number,
  before: MyLabel | null,
  change: LabelChange | null,
): LabelPlan | "needs rating" {
  const after = change === null ? null : applyChange(before, change);
  if (after === "needs rating") return after;
  const entry: Entry | null = sameLabel(before, after)
    ? null
    : {
        label: describeChange(before, after),
        undo: { type: "label", nodeId, label: before },
        redo: { type: "label", nodeId, label: after },
      };
  return { before, after, entry };
}
