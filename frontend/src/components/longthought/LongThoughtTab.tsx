// Placeholder: the long-thought view of the workspace. Replaced by the full view.
export interface LongThoughtTabProps {
  problemId: number;
  selectedNodeId: number | null;
  onSelectNode: (id: number) => void;
  role: string | null;
}

export function LongThoughtTab(props: LongThoughtTabProps) {
  void props;
  return <p className="muted">Long thoughts are coming.</p>;
}
