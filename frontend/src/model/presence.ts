// Who else is viewing a tree, from presence events. Keyed by connection, shown by user.
export interface Viewer {
  user_id: number;
  username: string;
  conn: string;
}

export type PresenceEvent = {
  type: "presence.join" | "presence.here" | "presence.leave";
  viewer: Viewer;
};

export function applyPresence(
  viewers: ReadonlyMap<string, Viewer>,
  event: PresenceEvent,
): Map<string, Viewer> {
  const next = new Map(viewers);
  if (event.type === "presence.leave") next.delete(event.viewer.conn);
  else next.set(event.viewer.conn, event.viewer);
  return next;
}

/** Distinct other users, by name. */
export function otherUsers(viewers: ReadonlyMap<string, Viewer>, me: number | null): string[] {
  const names = new Set<string>();
  for (const viewer of viewers.values()) if (viewer.user_id !== me) names.add(viewer.username);
  return [...names].sort();
}
