// @vitest-environment jsdom
// The store's label writes against a small fake of the label API (same rules as the server:
// PUT and PATCH keep what they are not sent; a note or flag needs a rating).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { apiNode, makeTree } from "../model/fixtures";
import { LABEL_FIRST } from "../model/labels";
import { indexTree } from "../model/tree";
import type { ApiNode } from "../model/types";
import { createWorkspaceStore } from "./workspace";

interface Sent {
  method: string;
  node: number;
  body: Record<string, unknown> | null;
}

function fakeLabelApi(nodes: ApiNode[]) {
  const server = new Map(nodes.map((node) => [node.id, { ...node }]));
  const sent: Sent[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const match = /\/nodes\/(\d+)\/label\/$/.exec(url);
    if (!match) return new Response("{}", { status: 404 });
    const id = Number(match[1]);
    const method = init.method ?? "GET";
    const body = init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : null;
    sent.push({ method, node: id, body });
    const node = server.get(id)!;
    if (method === "DELETE")
      Object.assign(node, { my_label: null, my_note: "", my_flagged: false });
    else {
      if (node.my_label === null && body?.rating === undefined) {
        return new Response(JSON.stringify({ detail: "Label this step first" }), { status: 422 });
      }
      if (body?.rating !== undefined) node.my_label = body.rating as number;
      if (body?.note !== undefined) node.my_note = body.note as string;
      if (body?.flagged !== undefined) node.my_flagged = body.flagged as boolean;
    }
    return new Response(JSON.stringify(node), { status: 200 });
  });
  return { server, sent, fetch };
}

describe("my label in the store", () => {
  let api: ReturnType<typeof fakeLabelApi>;
  let store: ReturnType<typeof createWorkspaceStore>;
  const mine = () => {
    const node = store.getState().index.nodes.get(2)!;
    return [node.my_label, node.my_note, node.my_flagged];
  };

  beforeEach(() => {
    const nodes = makeTree(1, 2);
    api = fakeLabelApi(nodes);
    vi.stubGlobal("fetch", api.fetch);
    store = createWorkspaceStore();
    store.setState({ index: indexTree(nodes), selected: 2, me: 7 });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("saves a note and a flag on their own, and a later rating keeps them", async () => {
    await store.getState().label(1);
    expect(await store.getState().changeLabel(2, { note: "why 14?" })).toBe(true);
    await store.getState().changeLabel(2, { flagged: true });
    await store.getState().label(0);
    expect(api.sent.map((s) => [s.method, s.body])).toEqual([
      ["PATCH", { rating: 1 }],
      ["PATCH", { note: "why 14?" }],
      ["PATCH", { flagged: true }],
      ["PATCH", { rating: 0 }],
    ]);
    expect(mine()).toEqual([0, "why 14?", true]);
    const server = api.server.get(2)!;
    expect([server.my_label, server.my_note, server.my_flagged]).toEqual([0, "why 14?", true]);
  });

  it("never clears on a second press of the same rating, and says so", async () => {
    await store.getState().label(1);
    await store.getState().label(1);
    expect(api.sent).toHaveLength(1);
    expect(mine()[0]).toBe(1);
    expect(store.getState().notice).toMatch(/already \+1; 0 clears it/);
  });

  it("clears visibly, and undo brings back the rating with its note and flag", async () => {
    await store.getState().label(-1);
    await store.getState().changeLabel(2, { note: "wrong sum" });
    await store.getState().changeLabel(2, { flagged: true });
    await store.getState().label(null);
    expect(store.getState().notice).toBe(
      "Cleared my \u22121 label with its note and flag. z undoes it.",
    );
    expect(mine()).toEqual([null, "", false]);
    await store.getState().undo();
    expect(api.sent.at(-1)).toEqual({
      method: "PUT",
      node: 2,
      body: { rating: -1, note: "wrong sum", flagged: true },
    });
    expect(mine()).toEqual([-1, "wrong sum", true]);
  });

  it("undoes and redoes a note and a flag", async () => {
    await store.getState().label(1);
    await store.getState().changeLabel(2, { note: "first" });
    await store.getState().changeLabel(2, { flagged: true });
    await store.getState().undo();
    expect(mine()).toEqual([1, "first", false]);
    await store.getState().undo();
    expect(mine()).toEqual([1, "", false]);
    await store.getState().redo();
    expect(mine()).toEqual([1, "first", false]);
    const server = api.server.get(2)!;
    expect([server.my_label, server.my_note, server.my_flagged]).toEqual([1, "first", false]);
  });

  it("asks to label first instead of dropping a note on an unrated step", async () => {
    expect(await store.getState().changeLabel(3, { note: "lost?" })).toBe(false);
    expect(store.getState().error).toBe(LABEL_FIRST);
    expect(api.sent).toEqual([]);
  });

  it("does not let a late event of my own undo a change still in flight", async () => {
    await store.getState().label(1);
    const saving = store.getState().changeLabel(2, { note: "newer" });
    // The event of the earlier rating arrives while the note is being saved.
    store.getState().receive({
      type: "label.changed",
      tree: 1,
      node_id: 2,
      user_id: 7,
      rating: 1,
      note: "",
      flagged: false,
      counts: { "1": 1, "0": 0, "-1": 0 },
    });
    expect(mine()).toEqual([1, "newer", false]);
    expect(store.getState().index.nodes.get(2)!.label_counts["1"]).toBe(1);
    await saving;
    expect(mine()).toEqual([1, "newer", false]);
  });

  it("shows another expert's change as counts only", () => {
    store.setState({
      index: indexTree([apiNode(1, null), apiNode(2, 1, { my_label: 0, my_note: "mine" })]),
    });
    store.getState().receive({
      type: "label.changed",
      tree: 1,
      node_id: 2,
      counts: { "1": 1, "0": 1, "-1": 0 },
    });
    expect(mine()).toEqual([0, "mine", false]);
  });
});
