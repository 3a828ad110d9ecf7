// The workspace store's jobs, wired to the tracker: loaded with the tree, polled while the page
// is mounted and the socket is not live, stopped with the page, and never shown "running"
// again once the server said cancelled. A fake server stands behind `fetch`.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { startRollouts } from "../api/jobs";
import type { Job } from "../api/jobStatus";
import { apiNode } from "../model/fixtures";
import { createWorkspaceStore } from "./workspace";

const TREE = 10;

function job(id: number, status: Job["status"], done = 0, total = 0): Job {
  return {
    id,
    kind: "rollout",
    status,
    tree: TREE,
    node: 1,
    progress: { done, total },
    created_at: "2026-12-01T12:00:00Z",
  };
}

function serve(jobs: Map<number, Job>) {
  const asked: string[] = [];
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      asked.push(`${init?.method ?? "GET"} ${url}`);
      if (url === "/api/v1/problems/1/")
        return json({ id: 1, navigation: { campaign_slug: "demo" } });
      if (url === "/api/v1/problems/1/tree/")
        return json({ id: TREE, root: 1, nodes: [apiNode(1, null)], suggestions: {} });
      if (url === `/api/v1/campaigns/demo/jobs/?tree=${TREE}&limit=100`)
        return json({ count: jobs.size, results: [...jobs.values()].sort((a, b) => b.id - a.id) });
      const detail = /^\/api\/v1\/jobs\/(\d+)\/$/.exec(url);
      if (detail) return json(jobs.get(Number(detail[1])));
      const cancel = /^\/api\/v1\/jobs\/(\d+)\/cancel\/$/.exec(url);
      if (cancel) {
        const id = Number(cancel[1]);
        jobs.set(id, { ...jobs.get(id)!, status: "cancelled" });
        return json(jobs.get(id));
      }
      if (url === "/api/v1/nodes/1/rollouts/")
        return new Response("<html><title>Server Error (500)</title></html>", {
          status: 500,
          headers: { "Content-Type": "text/html" },
        });
      return json({ detail: "not here" }, 404);
    }),
  );
  return asked;
}

const polls = (asked: string[], id: number) =>
  asked.filter((line) => line === `GET /api/v1/jobs/${id}/`).length;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the workspace's jobs", () => {
  it("come from the server with the tree, so the log survives a reload", async () => {
    serve(new Map([[4, job(4, "succeeded", 8, 8)]]));
    const store = createWorkspaceStore();
    await store.getState().load(1);
    expect(store.getState().jobsLoaded).toBe(true);
    expect(store.getState().jobs.get(4)?.status).toBe("succeeded");
  });

  it("are read again after the socket was away, with jobs started meanwhile", async () => {
    const jobs = new Map([[4, job(4, "succeeded", 8, 8)]]);
    serve(jobs);
    const store = createWorkspaceStore();
    await store.getState().load(1);
    jobs.set(7, job(7, "succeeded", 2, 2)); // started and finished while the socket was down
    await store.getState().reloadJobs();
    expect([...store.getState().jobs.keys()].sort()).toEqual([4, 7]);
  });

  it("are polled only while the page is mounted and the socket is not live", async () => {
    const jobs = new Map([[5, job(5, "running", 1, 8)]]);
    const asked = serve(jobs);
    const store = createWorkspaceStore();
    await store.getState().load(1);
    const unmount = store.getState().watchJobs();

    store.getState().setConnection("offline");
    await vi.advanceTimersByTimeAsync(1000);
    expect(polls(asked, 5)).toBe(1);

    unmount();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(polls(asked, 5)).toBe(1);
  });

  it("show a cancelled job as cancelled, whatever a late websocket event says", async () => {
    const jobs = new Map([[6, job(6, "running", 3, 64)]]);
    serve(jobs);
    const store = createWorkspaceStore();
    await store.getState().load(1);
    store.getState().setConnection("live");
    await store.getState().cancelJob(6);
    expect(store.getState().jobs.get(6)?.status).toBe("cancelled");

    store.getState().receive({ type: "job.progress", tree: TREE, job: job(6, "running", 4, 64) });
    expect(store.getState().jobs.get(6)?.status).toBe("cancelled");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("report a server's HTML error page as a readable message", async () => {
    serve(new Map());
    const store = createWorkspaceStore();
    await store.getState().load(1);
    const started = await store.getState().runJob(() => startRollouts(1, { n: 8 }));
    expect(started).toBeNull();
    expect(store.getState().error).toBe(
      "The server had an error (500). Nothing you typed was lost; try again.",
    );
  });
});
