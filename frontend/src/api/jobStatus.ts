// Job statuses: the one definition for the whole frontend, taken from the schema's enum.
// Pure (no requests), so framework-free model code can use it too.
import type { components } from "./schema";

type Schemas = components["schemas"];
export type Job = Schemas["Job"];
export type JobStatus = Schemas["JobStatusEnum"];
export type JobKind = Schemas["JobKindEnum"];

/** Every status the schema knows, by phase. A status added to the schema fails to compile
 * here until it is given a phase. */
const PHASE: Record<JobStatus, "active" | "paused" | "finished"> = {
  queued: "active",
  running: "active",
  // A paused critique loop: not finished, and nothing runs until it is resumed.
  paused: "paused",
  succeeded: "finished",
  failed: "finished",
  cancelled: "finished",
};

const statuses = (phase: (typeof PHASE)[JobStatus]): ReadonlySet<JobStatus> =>
  new Set((Object.keys(PHASE) as JobStatus[]).filter((status) => PHASE[status] === phase));

/** Waiting for or being run by a worker: these show a progress bar. */
export const ACTIVE_STATUSES = statuses("active");
/** Ended for good: nothing about the job changes again. */
export const FINISHED_STATUSES = statuses("finished");

/** True for queued and running (an export's status shares these names). */
export const isActive = (status: string | undefined): boolean =>
  ACTIVE_STATUSES.has(status as JobStatus);
export const isFinished = (status: string | undefined): boolean =>
  FINISHED_STATUSES.has(status as JobStatus);

/** Whether the server can move a job from `from` to `to`. Answers can arrive out of order
 * (a request's answer after the websocket's newer event; a worker's last progress after a
 * cancel): an impossible move means the incoming copy is the older one. */
export function canMove(from: JobStatus | undefined, to: JobStatus | undefined): boolean {
  if (from === undefined || to === undefined) return true;
  if (PHASE[from] === "finished") return false;
  if (from === "running" && to === "queued") return false; // only a resume queues again
  if (from === "paused" && to === "running") return false; // a resume queues first
  return true;
}

/** Progress as the API sends it: done of total (total 0 while unknown). */
export function progressOf(job: Job): { done: number; total: number } {
  return { done: Number(job.progress?.done ?? 0), total: Number(job.progress?.total ?? 0) };
}

/** A kind as people read it ("critique_loop" → "critique loop"). Any kind the schema adds
 * reads the same way, without a table to keep in step. */
export const kindLabel = (kind: string): string => kind.replace(/_/g, " ");
