// Placeholder: campaign long-thought statistics (token count, lines, backtracks, reflection
// words). Replaced by the full card.
export function LongThoughtStatsCard({ slug }: { slug: string }) {
  void slug;
  return null;
}
