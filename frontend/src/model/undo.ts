// Undo and redo of my own edits. An entry holds the operation that undoes it and the one that
// redoes it; remote updates never enter the history.
import type { MyLabel } from "./labels";

export type Operation =
  // My whole label as it should be (null: no label), so undoing a rating, a note, a flag or
  // a clear puts back every part of the label as it was.
  | { type: "label"; nodeId: number; label: MyLabel | null }
  | { type: "text"; nodeId: number; text: string }
  | { type: "delete"; nodeId: number }
  | { type: "restore"; nodeId: number };

export interface Entry {
  label: string;
  undo: Operation;
  redo: Operation;
}

export interface History {
  readonly past: readonly Entry[];
  readonly future: readonly Entry[];
}

export const EMPTY_HISTORY: History = { past: [], future: [] };
const LIMIT = 200;

export function record(history: History, entry: Entry): History {
  return { past: [...history.past, entry].slice(-LIMIT), future: [] };
}

export function undo(history: History): { history: History; entry: Entry } | null {
  const entry = history.past[history.past.length - 1];
  if (!entry) return null;
  return {
    entry,
    history: { past: history.past.slice(0, -1), future: [entry, ...history.future] },
  };
}

export function redo(history: History): { history: History; entry: Entry } | null {
  const [entry, ...rest] = history.future;
  if (!entry) return null;
  return { entry, history: { past: [...history.past, entry], future: rest } };
}
