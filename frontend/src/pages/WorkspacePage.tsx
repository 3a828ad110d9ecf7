export function WorkspacePage() {
  return <div className="page">Workspace</div>;
}
