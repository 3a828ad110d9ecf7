// Placeholder: the data lead's exports page. Replaced by the full page.
export function ExportsPage() {
  return <div className="page">Exports</div>;
}
