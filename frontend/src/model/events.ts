// Realtime tree events (see trees/events.py) applied to the index as non-undoable updates.
import { patchNode, removeSubtree, upsertNode, type TreeIndex } from "./tree";
import type { ApiNode, Job, Rating } from "./types";

export type TreeEvent =
  | { type: "node.created" | "node.updated" | "node.restored"; tree: number; node: ApiNode }
  | { type: "node.deleted"; tree: number; node: ApiNode }
  | {
      // The rater and reviewers receive who rated, how, and the note and flag; other
      // experts receive the counts only (trees/events.py `event_for_viewer`).
      type: "label.changed";
      tree: number;
      node_id: number;
      counts: ApiNode["label_counts"];
      user_id?: number;
      rating?: Rating | null;
      note?: string;
      flagged?: boolean;
    }
  | { type: "gold.changed"; tree: number; node_id: number; rating: Rating | null }
  | { type: "job.progress"; tree: number; job: Job }
  | { type: "critique.created"; tree: number; critique: { loop: number | null; node: number } };

export function applyTreeEvent(index: TreeIndex, event: TreeEvent, me: number | null): TreeIndex {
  switch (event.type) {
    case "node.created":
    case "node.restored":
      return upsertNode(index, event.node);
    case "node.updated": {
      const current = index.nodes.get(event.node.id);
      // A late event must not roll back a newer version we already hold.
      if (current && current.version > event.node.version) return index;
      // Node events carry no one's label: mine stays as I hold it.
      return upsertNode(index, {
        ...event.node,
        my_label: current?.my_label ?? null,
        my_note: current?.my_note ?? "",
        my_flagged: current?.my_flagged ?? false,
      });
    }
    case "node.deleted":
      return removeSubtree(index, event.node.id);
    case "label.changed":
      return patchNode(index, event.node_id, {
        label_counts: event.counts,
        ...(me !== null && event.user_id === me
          ? {
              my_label: event.rating ?? null,
              my_note: event.note ?? "",
              my_flagged: event.flagged ?? false,
            }
          : {}),
      });
    case "gold.changed":
      return patchNode(index, event.node_id, { gold: event.rating });
    case "job.progress":
      return index;
    default:
      return index; // events this view does not draw (critiques, presence) change no node
  }
}
