// Jobs: the typed endpoint functions that start, read, list and cancel them, and (from
// ./jobStatus.ts) the one definition of their states. Following a job's progress is the job
// tracker's work (src/store/jobs.ts), not any component's.
import { api } from "./client";
import type { components } from "./schema";

export * from "./jobStatus";

type Schemas = components["schemas"];

// --- Endpoints --------------------------------------------------------------------------

type Body<P extends keyof Schemas> = Schemas[P];

export const getJob = (id: number) => api.get("/api/v1/jobs/{id}/", { params: { path: { id } } });

export const cancelJob = (id: number) =>
  api.post("/api/v1/jobs/{id}/cancel/", { params: { path: { id } } });

/** A tree's jobs, newest first (the server keeps them: the job log survives a reload). */
export const listTreeJobs = (slug: string, tree: number, limit = 100) =>
  api.get("/api/v1/campaigns/{slug}/jobs/", {
    params: { path: { slug }, query: { tree, limit } },
  });

export const startExpand = (node: number, body: Body<"ExpandRequest">) =>
  api.post("/api/v1/nodes/{id}/expand/", { params: { path: { id: node } }, body });

export const startRollouts = (node: number, body: Body<"RolloutRequest">) =>
  api.post("/api/v1/nodes/{id}/rollouts/", { params: { path: { id: node } }, body });

export const startFirstError = (node: number, body: Body<"FirstErrorRequest"> = {}) =>
  api.post("/api/v1/nodes/{id}/first-error/", { params: { path: { id: node } }, body });

export const startCritiqueLoop = (node: number, body: Body<"CritiqueLoopStartRequest">) =>
  api.post("/api/v1/nodes/{id}/critique-loop/", { params: { path: { id: node } }, body });

export const startCluster = (problem: number, body: Body<"ClusterRequest"> = {}) =>
  api.post("/api/v1/problems/{id}/cluster/", { params: { path: { id: problem } }, body });

export const startDerive = (problem: number, body: Body<"DeriveRequestRequest">) =>
  api.post("/api/v1/problems/{id}/long-thoughts/", { params: { path: { id: problem } }, body });

export const startSmooth = (thought: number, body: Body<"SmoothRequestRequest"> = {}) =>
  api.post("/api/v1/long-thoughts/{id}/smooth/", { params: { path: { id: thought } }, body });

export const pauseLoop = (loop: number) =>
  api.post("/api/v1/loops/{id}/pause/", { params: { path: { id: loop } } });

export const resumeLoop = (loop: number) =>
  api.post("/api/v1/loops/{id}/resume/", { params: { path: { id: loop } } });

export const acceptLoop = (loop: number, body: Body<"AcceptRequest"> = {}) =>
  api.post("/api/v1/loops/{id}/accept/", { params: { path: { id: loop } }, body });

export const getLoop = (loop: number) =>
  api.get("/api/v1/loops/{id}/", { params: { path: { id: loop } } });
