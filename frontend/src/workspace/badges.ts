// What a step's badges say, as plain data (so the canvas card and the path list agree).
import { consensus } from "../model/tree";
import type { Rating, TreeNode } from "../model/types";

export const RATING_TEXT: Record<string, string> = { "1": "+1", "0": "0", "-1": "−1" };
export const RATING_CLASS: Record<string, string> = { "1": "good", "0": "neutral", "-1": "bad" };

export function ratingText(rating: number | null | undefined): string {
  return rating === null || rating === undefined ? "" : (RATING_TEXT[String(rating)] ?? "");
}

export function toneOf(node: TreeNode): string {
  if (node.gold !== null) return RATING_CLASS[String(node.gold)] ?? "";
  const agreed: Rating | null = consensus(node.label_counts);
  return agreed === null ? "" : (RATING_CLASS[String(agreed)] ?? "");
}

export function originIcon(origin: string): string {
  return origin === "model" ? "◆" : origin === "human" ? "✎" : origin === "import" ? "⇩" : "•";
}

export function summary(text: string, limit = 110): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}
