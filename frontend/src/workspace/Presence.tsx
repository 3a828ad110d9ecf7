// Who else is viewing this tree, and whether live updates are flowing.
import { useShallow } from "zustand/react/shallow";

import { otherUsers } from "../model/presence";
import { useWorkspace } from "./context";

export function Presence() {
  const others = useWorkspace(useShallow((s) => otherUsers(s.viewers, s.me)));
  const connection = useWorkspace((s) => s.connection);
  return (
    <div className="presence" data-testid="presence">
      <span className={`dot ${connection}`} title={`live updates: ${connection}`} />
      {connection !== "live" && <span className="muted">{connection}…</span>}
      {others.length > 0 && (
        <span title={others.join(", ")}>
          {others.length} other{others.length > 1 ? "s" : ""} here:{" "}
          <strong>{others.join(", ")}</strong>
        </span>
      )}
    </div>
  );
}
