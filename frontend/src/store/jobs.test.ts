import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Job, JobStatus } from "../api/jobStatus";
import { activeJobs, createJobTracker, newestFirst, type JobsApi } from "./jobs";

function job(id: number, status: JobStatus, done = 0, total = 0): Job {
  return {
    id,
    kind: "rollout",
    status,
    tree: 1,
    node: 2,
    progress: { done, total },
    created_at: "2026-12-01T12:00:00Z",
  };
}

/** A server that answers GET jobs/<id>/ from `state`, counting the questions. */
function fakeServer(state: Map<number, Job>) {
  const asked: number[] = [];
  const api: JobsApi = {
    fetch: vi.fn(async (id: number) => {
      asked.push(id);
      const held = state.get(id);
      if (!held) throw new Error("404");
      return held;
    }),
    cancel: vi.fn(async (id: number) => {
      const cancelled = { ...state.get(id)!, status: "cancelled" as const };
      state.set(id, cancelled);
      return cancelled;
    }),
    listTree: vi.fn(async () => ({ results: [...state.values()].sort((a, b) => b.id - a.id) })),
  };
  return { api, asked };
}

function tracker(state: Map<number, Job>, options: { live?: boolean } = {}) {
  const server = fakeServer(state);
  const finished: Job[] = [];
  let emitted: ReadonlyMap<number, Job> = new Map();
  const jobs = createJobTracker({
    api: server.api,
    emit: (next) => {
      emitted = next;
    },
    onFinish: (done) => finished.push(done),
    pollMs: 1000,
    quietMs: 3000,
  });
  jobs.setLive(options.live ?? false);
  return { jobs, server, finished, emitted: () => emitted };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the job tracker", () => {
  it("polls an unfinished job without a socket and stops once it finishes", async () => {
    const state = new Map([[7, job(7, "queued")]]);
    const { jobs, server, finished, emitted } = tracker(state);
    jobs.accept(job(7, "queued"));

    state.set(7, job(7, "running", 3, 8));
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.asked).toEqual([7]);
    expect(emitted().get(7)?.status).toBe("running");
    expect(emitted().get(7)?.progress).toEqual({ done: 3, total: 8 });

    state.set(7, job(7, "succeeded", 8, 8));
    await vi.advanceTimersByTimeAsync(1000);
    expect(emitted().get(7)?.status).toBe("succeeded");
    expect(finished.map((j) => j.id)).toEqual([7]);

    // Finished: no timer left, no more questions however long we wait.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.asked).toEqual([7, 7]);
  });

  it("stops polling when the page unmounts (stop) and starts again on start", async () => {
    const state = new Map([[3, job(3, "running")]]);
    const { jobs, server } = tracker(state);
    jobs.accept(job(3, "running"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.asked).toEqual([3]);

    jobs.stop();
    expect(vi.getTimerCount()).toBe(0);
    jobs.accept(job(3, "running", 1, 8)); // an event after unmount schedules nothing
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(server.asked).toEqual([3]);

    jobs.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.asked).toEqual([3, 3]);
    jobs.stop();
  });

  it("does not poll while websocket events keep arriving, and does once they go quiet", async () => {
    const state = new Map([[5, job(5, "running")]]);
    const { jobs, server, emitted } = tracker(state, { live: true });
    jobs.accept(job(5, "running"));
    for (let done = 1; done <= 5; done++) {
      await vi.advanceTimersByTimeAsync(1000);
      jobs.accept(job(5, "running", done, 10)); // a job.progress event each second
    }
    expect(server.asked).toEqual([]);
    expect(emitted().get(5)?.progress).toEqual({ done: 5, total: 10 });

    await vi.advanceTimersByTimeAsync(3000); // the socket fell silent: the fallback asks
    expect(server.asked).toEqual([5]);
    jobs.stop();
  });

  it("drops a poll's answer when a websocket event arrived while it was asked", async () => {
    const state = new Map([[9, job(9, "running", 2, 8)]]);
    let release: (value: Job) => void = () => {};
    const { jobs, server, emitted } = tracker(state);
    vi.mocked(server.api.fetch).mockImplementationOnce(
      () => new Promise<Job>((resolve) => (release = resolve)),
    );
    jobs.accept(job(9, "running", 1, 8));
    await vi.advanceTimersByTimeAsync(1000); // the poll is in flight
    jobs.accept(job(9, "running", 6, 8)); // the socket says more, meanwhile
    release(job(9, "running", 2, 8)); // the poll's older answer comes back
    await vi.advanceTimersByTimeAsync(0);
    expect(emitted().get(9)?.progress).toEqual({ done: 6, total: 8 });

    jobs.accept(job(9, "succeeded", 8, 8));
    expect(emitted().get(9)?.status).toBe("succeeded");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("shows a cancelled job as cancelled, without a bar, whatever late events say", async () => {
    const state = new Map([[4, job(4, "running", 10, 64)]]);
    const { jobs, server, emitted, finished } = tracker(state, { live: true });
    jobs.accept(job(4, "running", 10, 64));
    expect(activeJobs(emitted()).map((j) => j.id)).toEqual([4]);

    const answer = await jobs.cancel(4);
    expect(answer.status).toBe("cancelled");
    expect(emitted().get(4)?.status).toBe("cancelled");
    expect(activeJobs(emitted())).toEqual([]);
    expect(finished.map((j) => j.status)).toEqual(["cancelled"]);

    // The worker's last progress report, sent before it saw the cancel, arrives late.
    jobs.accept(job(4, "running", 11, 64));
    expect(emitted().get(4)?.status).toBe("cancelled");
    expect(emitted().get(4)?.progress).toEqual({ done: 10, total: 64 });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.asked).toEqual([]);
  });

  it("shows a paused loop as paused: no bar, no polling, and a late running copy is dropped", async () => {
    const state = new Map([[6, { ...job(6, "running"), kind: "critique_loop" as const }]]);
    const { jobs, server, emitted } = tracker(state);
    jobs.accept({ ...job(6, "running"), kind: "critique_loop" });
    jobs.accept({ ...job(6, "paused"), kind: "critique_loop" }); // the pause's answer
    jobs.accept({ ...job(6, "running", 2, 3), kind: "critique_loop" }); // stale progress
    expect(emitted().get(6)?.status).toBe("paused");
    expect(activeJobs(emitted())).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.asked).toEqual([]);

    // A resume queues it again, then a worker runs it: both are taken.
    jobs.accept({ ...job(6, "queued"), kind: "critique_loop" });
    jobs.accept({ ...job(6, "running"), kind: "critique_loop" });
    expect(emitted().get(6)?.status).toBe("running");
    jobs.stop();
  });

  it("keeps the websocket's running state over a start request's late queued answer", () => {
    const { jobs, emitted } = tracker(new Map());
    jobs.accept(job(8, "running", 1, 4)); // the event came first
    jobs.accept(job(8, "queued")); // the POST's answer, written before the worker began
    expect(emitted().get(8)?.status).toBe("running");
    jobs.stop();
  });

  it("loads the tree's jobs as the log, newest first, and follows the unfinished ones", async () => {
    const state = new Map([
      [1, job(1, "succeeded", 4, 4)],
      [2, job(2, "cancelled", 3, 64)],
      [3, job(3, "running", 1, 8)],
    ]);
    const { jobs, server, emitted } = tracker(state);
    await jobs.loadTree("demo", 1);
    expect(newestFirst(emitted()).map((j) => [j.id, j.status])).toEqual([
      [3, "running"],
      [2, "cancelled"],
      [1, "succeeded"],
    ]);
    state.set(3, job(3, "failed", 1, 8));
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.asked).toEqual([3]); // only the unfinished one
    expect(emitted().get(3)?.status).toBe("failed");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("resolves settled() with the final state", async () => {
    const state = new Map([[11, job(11, "running")]]);
    const { jobs } = tracker(state, { live: true });
    jobs.accept(job(11, "running"));
    const settled = jobs.settled(11);
    jobs.accept(job(11, "succeeded", 1, 1));
    await expect(settled).resolves.toMatchObject({ id: 11, status: "succeeded" });
    await expect(jobs.settled(11)).resolves.toMatchObject({ status: "succeeded" });
  });
});
