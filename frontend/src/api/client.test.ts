import { afterEach, describe, expect, it, vi } from "vitest";

import { api, ApiError, buildUrl, describeNonJson, get, post } from "./client";

const DJANGO_500 = `<!doctype html>
<html lang="en">
<head>
  <title>Server Error (500)</title>
</head>
<body>
  <h1>Server Error (500)</h1><p></p>
</body>
</html>`;

const DEBUG_500 = `<!DOCTYPE html>
<html lang="en"><head><title>IntegrityError at /api/v1/nodes/3/expand/</title></head>
<body><h1>IntegrityError at /api/v1/nodes/3/expand/</h1></body></html>`;

function answer(status: number, body: string, type: string) {
  const fetch = vi.fn<(url: string, init?: RequestInit) => Promise<Response>>(
    async () => new Response(body, { status, headers: { "Content-Type": type } }),
  );
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

async function failure(run: () => Promise<unknown>): Promise<ApiError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("no error");
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the client's errors", () => {
  it("turns Django's HTML 500 page into a readable message, not a JSON parse error", async () => {
    answer(500, DJANGO_500, "text/html; charset=utf-8");
    const error = await failure(() => post("/nodes/3/expand/", { k: 4 }));
    expect(error.status).toBe(500);
    expect(error.message).not.toMatch(/JSON|Unexpected token/);
    expect(error.message).toBe(
      "The server had an error (500). Nothing you typed was lost; try again.",
    );
  });

  it("names what a debug page says went wrong", async () => {
    answer(500, DEBUG_500, "text/html");
    const error = await failure(() =>
      api.post("/api/v1/nodes/{id}/expand/", { params: { path: { id: 3 } }, body: { k: 4 } }),
    );
    expect(error.message).toContain("IntegrityError at /api/v1/nodes/3/expand/");
    expect(error.message).not.toContain("<");
  });

  it("reads a proxy's plain-text 502 and an HTML page sent with a 200", async () => {
    answer(502, "upstream connect error", "text/plain");
    expect((await failure(() => get("/jobs/1/"))).message).toBe(
      "The server had an error (502): upstream connect error. Nothing you typed was lost; try again.",
    );
    answer(200, "<html><body>Sign in</body></html>", "text/html");
    const error = await failure(() => get("/jobs/1/"));
    expect(error.message).not.toMatch(/JSON|Unexpected token/);
  });

  it("keeps the API's own error shape: detail, and fields by name", async () => {
    answer(409, JSON.stringify({ detail: "Job 4 has already cancelled." }), "application/json");
    expect((await failure(() => post("/jobs/4/cancel/"))).message).toBe(
      "Job 4 has already cancelled.",
    );
    answer(400, JSON.stringify({ k: ["Ensure this value is less than or equal to 32."] }), "");
    expect((await failure(() => post("/nodes/3/expand/", { k: 99 }))).message).toBe(
      "k: Ensure this value is less than or equal to 32.",
    );
  });

  it("says so when the server cannot be reached", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    const error = await failure(() => get("/jobs/1/"));
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/Could not reach the server/);
  });

  it("describes a page without a title by its status", () => {
    expect(describeNonJson(503, "Service Unavailable", "<html><body></body></html>")).toBe(
      "The server had an error (503 Service Unavailable). Nothing you typed was lost; try again.",
    );
  });
});

describe("the typed client", () => {
  it("fills path parameters, drops unset query keys and sends the JSON body", async () => {
    const fetch = answer(200, JSON.stringify({ count: 0, results: [] }), "application/json");
    await api.get("/api/v1/campaigns/{slug}/jobs/", {
      params: { path: { slug: "gsm 8k" }, query: { tree: 5, kind: undefined, limit: 100 } },
    });
    expect(fetch.mock.calls[0]?.[0]).toBe("/api/v1/campaigns/gsm%208k/jobs/?tree=5&limit=100");

    const posted = answer(202, JSON.stringify({ id: 1, status: "queued" }), "application/json");
    const job = await api.post("/api/v1/nodes/{id}/rollouts/", {
      params: { path: { id: 3 } },
      body: { n: 8, keep_branches: true },
    });
    expect(job.status).toBe("queued");
    const init = posted.mock.calls[0]?.[1];
    expect(posted.mock.calls[0]?.[0]).toBe("/api/v1/nodes/3/rollouts/");
    expect(init?.method).toBe("POST");
    expect(JSON.parse(String(init?.body))).toEqual({ n: 8, keep_branches: true });
  });

  it("checks paths, parameters and bodies against the schema at compile time", () => {
    // Each marked line is a type error; `tsc --noEmit` fails if the client stops catching it.
    const calls = [
      // @ts-expect-error: not a path of the API
      () => api.get("/api/v1/no-such-thing/"),
      // @ts-expect-error: the path needs its id
      () => api.post("/api/v1/nodes/{id}/expand/", { body: { k: 4 } }),
      () =>
        api.post("/api/v1/nodes/{id}/expand/", {
          params: { path: { id: 1 } },
          // @ts-expect-error: k is a number
          body: { k: "4" },
        }),
      () =>
        api.post("/api/v1/loops/{id}/critiques/", {
          params: { path: { id: 1 } },
          // @ts-expect-error: a critique needs its verdict
          body: { text: "x" },
        }),
    ];
    expect(calls).toHaveLength(4);
    expect(buildUrl("/api/v1/jobs/{id}/", { path: { id: 12 } })).toBe("/api/v1/jobs/12/");
  });
});
