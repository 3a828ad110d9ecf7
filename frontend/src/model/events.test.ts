import { describe, expect, it } from "vitest";

import { applyTreeEvent } from "./events";
import { apiNode, makeTree } from "./fixtures";
import { applyPresence, otherUsers } from "./presence";
import { indexTree } from "./tree";
import { EMPTY_HISTORY, record, redo, undo } from "./undo";

describe("realtime events", () => {
  const index = indexTree(makeTree(1, 2));

  it("adds a created node under its parent", () => {
    const next = applyTreeEvent(index, { type: "node.created", tree: 1, node: apiNode(4, 2) }, 7);
    expect(next.children.get(2)).toEqual([4]);
  });

  it("updates counts, and my label only when the event is mine", () => {
    const counts = { "1": 1, "0": 0, "-1": 0 };
    const theirs = applyTreeEvent(
      index,
      { type: "label.changed", tree: 1, node_id: 2, user_id: 8, rating: 1, counts },
      7,
    );
    expect(theirs.nodes.get(2)!.label_counts).toEqual(counts);
    expect(theirs.nodes.get(2)!.my_label).toBeNull();
    const mine = applyTreeEvent(
      index,
      { type: "label.changed", tree: 1, node_id: 2, user_id: 7, rating: -1, counts },
      7,
    );
    expect(mine.nodes.get(2)!.my_label).toBe(-1);
  });

  it("takes my note and flag from my own label event, and keeps them on a node update", () => {
    const counts = { "1": 0, "0": 1, "-1": 0 };
    const mine = applyTreeEvent(
      index,
      {
        type: "label.changed",
        tree: 1,
        node_id: 2,
        user_id: 7,
        rating: 0,
        note: "restates the question",
        flagged: true,
        counts,
      },
      7,
    );
    expect(mine.nodes.get(2)).toMatchObject({
      my_label: 0,
      my_note: "restates the question",
      my_flagged: true,
    });
    // Another expert's change carries only the counts: my note and flag stay.
    const theirs = applyTreeEvent(
      mine,
      { type: "label.changed", tree: 1, node_id: 2, counts: { "1": 1, "0": 1, "-1": 0 } },
      7,
    );
    expect(theirs.nodes.get(2)).toMatchObject({ my_label: 0, my_flagged: true });
    expect(theirs.nodes.get(2)!.label_counts["1"]).toBe(1);
    // An edit of the step's text (no label fields for me) keeps my label whole.
    const edited = applyTreeEvent(
      theirs,
      { type: "node.updated", tree: 1, node: apiNode(2, 1, { text: "edited", version: 2 }) },
      7,
    );
    expect(edited.nodes.get(2)).toMatchObject({
      text: "edited",
      my_label: 0,
      my_note: "restates the question",
      my_flagged: true,
    });
  });

  it("ignores an update older than the version held", () => {
    const newer = applyTreeEvent(
      index,
      { type: "node.updated", tree: 1, node: apiNode(2, 1, { text: "new", version: 3 }) },
      7,
    );
    const stale = applyTreeEvent(
      newer,
      { type: "node.updated", tree: 1, node: apiNode(2, 1, { text: "old", version: 2 }) },
      7,
    );
    expect(stale.nodes.get(2)!.text).toBe("new");
  });

  it("leaves the tree alone for events that change no node", () => {
    const next = applyTreeEvent(
      index,
      { type: "critique.created", tree: 1, critique: { loop: 9, node: 2 } },
      7,
    );
    expect(next).toBe(index);
  });

  it("removes a deleted node", () => {
    const next = applyTreeEvent(index, { type: "node.deleted", tree: 1, node: apiNode(3, 1) }, 7);
    expect(next.nodes.has(3)).toBe(false);
  });
});

describe("presence", () => {
  it("tracks viewers by connection and lists other users once", () => {
    let viewers = applyPresence(new Map(), {
      type: "presence.join",
      viewer: { user_id: 2, username: "bob", conn: "a" },
    });
    viewers = applyPresence(viewers, {
      type: "presence.here",
      viewer: { user_id: 2, username: "bob", conn: "b" },
    });
    viewers = applyPresence(viewers, {
      type: "presence.here",
      viewer: { user_id: 1, username: "me", conn: "c" },
    });
    expect(otherUsers(viewers, 1)).toEqual(["bob"]);
    viewers = applyPresence(viewers, {
      type: "presence.leave",
      viewer: { user_id: 2, username: "bob", conn: "a" },
    });
    expect(viewers.size).toBe(2);
  });
});

describe("undo history", () => {
  it("undoes and redoes in order, and a new edit clears redo", () => {
    let history = record(EMPTY_HISTORY, {
      label: "label",
      undo: { type: "label", nodeId: 1, label: null },
      redo: { type: "label", nodeId: 1, label: { rating: 1, note: "", flagged: false } },
    });
    history = record(history, {
      label: "edit",
      undo: { type: "text", nodeId: 1, text: "a" },
      redo: { type: "text", nodeId: 1, text: "b" },
    });
    const first = undo(history)!;
    expect(first.entry.label).toBe("edit");
    const again = redo(first.history)!;
    expect(again.entry.label).toBe("edit");
    const cleared = record(first.history, {
      label: "x",
      undo: { type: "delete", nodeId: 2 },
      redo: { type: "restore", nodeId: 2 },
    });
    expect(redo(cleared)).toBeNull();
    expect(undo(EMPTY_HISTORY)).toBeNull();
  });
});
