/** The filters of an export or schedule, as small chips. */
export function FilterChips({ filters }: { filters: string[] }) {
  if (filters.length === 0) return null;
  return (
    <div className="exp-chips">
      {filters.map((text) => (
        <span key={text} className="exp-chip">
          {text}
        </span>
      ))}
    </div>
  );
}
