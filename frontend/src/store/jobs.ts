// The workspace's one job tracker: what every job on the tree is doing, as the server says.
// Websocket `job.progress` events come first; a job that is queued or running and has not
// been heard of for a while is asked for (GET jobs/<id>/) as a fallback. One timer for all
// jobs, stopped when none is active and by `stop` (the page's unmount). Nothing here guesses
// a state: a job shows only what the server last said, and a copy older than the one held
// (a late answer, a worker's last progress after a cancel) is dropped.
import { canMove, isActive, isFinished, type Job } from "../api/jobStatus";

export interface JobsApi {
  fetch: (id: number) => Promise<Job>;
  cancel: (id: number) => Promise<Job>;
  listTree: (slug: string, tree: number) => Promise<{ results: Job[] }>;
}

export interface TrackerOptions {
  api: JobsApi;
  /** Every change of the set of jobs. */
  emit: (jobs: ReadonlyMap<number, Job>) => void;
  /** A job moved from unfinished to finished while tracked. */
  onFinish?: (job: Job) => void;
  /** How often the poller looks for quiet jobs, and how long quiet is (ms). */
  pollMs?: number;
  quietMs?: number;
  now?: () => number;
}

export interface JobTracker {
  jobs: () => ReadonlyMap<number, Job>;
  /** Take a copy of a job from the websocket or from an answer of the server. */
  accept: (job: Job) => void;
  /** Load a tree's jobs from the server (the job log: it survives a reload). */
  loadTree: (slug: string, tree: number) => Promise<void>;
  cancel: (id: number) => Promise<Job>;
  /** Resolves with the job once it is finished (never, if the tracker is stopped first). */
  settled: (id: number) => Promise<Job>;
  /** Whether the websocket is live: while it is not, every active job is polled. */
  setLive: (live: boolean) => void;
  /** Stop the timer and forget every waiter: no request is made until `start`. */
  stop: () => void;
  /** Poll again (after a `stop`): a remounted page. The tracker starts started. */
  start: () => void;
}

export const POLL_MS = 1000;
export const QUIET_MS = 3000;

export function createJobTracker(options: TrackerOptions): JobTracker {
  const { api, emit, onFinish } = options;
  const pollMs = options.pollMs ?? POLL_MS;
  const quietMs = options.quietMs ?? QUIET_MS;
  const now = options.now ?? (() => Date.now());
  let jobs: ReadonlyMap<number, Job> = new Map();
  /** When each job was last heard of (any source): a job quiet for long is polled. */
  const heard = new Map<number, number>();
  /** Which copy of each job is held (a counter): an answer to a question asked before the
   * copy now held is older than it and is dropped. */
  const copies = new Map<number, number>();
  let counter = 0;
  const inFlight = new Set<number>();
  const waiters = new Map<number, ((job: Job) => void)[]>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let live = false;
  let stopped = false;

  const accept = (job: Job): boolean => {
    const before = jobs.get(job.id);
    if (before && !canMove(before.status, job.status)) return false;
    const next = new Map(jobs);
    next.set(job.id, job);
    jobs = next;
    heard.set(job.id, now());
    copies.set(job.id, ++counter);
    emit(jobs);
    if (isFinished(job.status)) {
      if (before && !isFinished(before.status)) onFinish?.(job);
      for (const resolve of waiters.get(job.id) ?? []) resolve(job);
      waiters.delete(job.id);
    }
    schedule();
    return true;
  };

  const quiet = (id: number) => !live || now() - (heard.get(id) ?? 0) >= quietMs;

  const poll = async (id: number) => {
    inFlight.add(id);
    const asked = copies.get(id);
    try {
      const job = await api.fetch(id);
      // Something newer arrived while we asked (a socket event, a cancel's answer): it wins.
      if (copies.get(id) === asked) accept(job);
    } catch {
      // Asked again on a later tick.
    } finally {
      inFlight.delete(id);
    }
  };

  const tick = () => {
    timer = undefined;
    if (stopped) return;
    for (const job of jobs.values()) {
      if (isActive(job.status) && !inFlight.has(job.id) && quiet(job.id)) void poll(job.id);
    }
    schedule();
  };

  /** Keep one timer while any job is active; none otherwise (the last one finishing clears
   * it at once). */
  function schedule() {
    const wanted = !stopped && [...jobs.values()].some((job) => isActive(job.status));
    if (!wanted) {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    } else if (timer === undefined) {
      timer = setTimeout(tick, pollMs);
    }
  }

  return {
    jobs: () => jobs,
    accept: (job) => void accept(job),
    async loadTree(slug, tree) {
      const asked = counter;
      const page = await api.listTree(slug, tree);
      // A job heard of while the list loaded is held in a newer copy than the list's.
      for (const job of [...page.results].reverse()) {
        if ((copies.get(job.id) ?? 0) <= asked) accept(job);
      }
    },
    async cancel(id) {
      const job = await api.cancel(id);
      accept(job);
      return jobs.get(id) ?? job;
    },
    settled(id) {
      const known = jobs.get(id);
      if (known && isFinished(known.status)) return Promise.resolve(known);
      return new Promise((resolve) => {
        if (stopped) return;
        waiters.set(id, [...(waiters.get(id) ?? []), resolve]);
      });
    },
    setLive(value) {
      live = value;
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      waiters.clear();
    },
    start() {
      stopped = false;
      schedule();
    },
  };
}

/** The jobs that show a progress bar: queued or running, never paused or finished. */
export const activeJobs = (jobs: ReadonlyMap<number, Job>): Job[] =>
  [...jobs.values()].filter((job) => isActive(job.status));

/** The job log's order: newest first. */
export const newestFirst = (jobs: ReadonlyMap<number, Job>): Job[] =>
  [...jobs.values()].sort((a, b) => b.id - a.id);
