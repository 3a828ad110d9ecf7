// Follow a Job until it ends: the forms that start one (derive, smooth) show its progress.
import { get } from "./client";
import { TERMINAL_STATUSES, type Job } from "./types";

export const POLL_MS = 700;

/** Poll `job` until it is terminal, reporting each state; null when `alive()` turns false. */
export async function followJob(
  job: Job,
  onUpdate: (job: Job) => void,
  alive: () => boolean,
): Promise<Job | null> {
  let current = job;
  onUpdate(current);
  while (!TERMINAL_STATUSES.has(current.status ?? "")) {
    await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
    if (!alive()) return null;
    current = await get<Job>(`/jobs/${current.id}/`);
    if (!alive()) return null;
    onUpdate(current);
  }
  return current;
}
