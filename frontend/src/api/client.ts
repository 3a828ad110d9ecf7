// The one way the app talks to the server: JSON over /api/v1 with the session cookie and the
// CSRF token. Errors arrive in the API's one shape ({detail, code, ...}) as an ApiError; a
// server that answers with an HTML page (a 500, a proxy's 502) gives a readable ApiError too.
//
// `api` is the typed door: its paths, parameters, request bodies and answers all come from
// `paths` in the generated schema (src/api/schema.d.ts), as with openapi-fetch. The untyped
// helpers below it (`get`, `post`, ...) remain for callers not moved over yet.
import type { paths } from "./schema";

export interface ErrorBody {
  detail?: string;
  code?: string;
  current?: unknown;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  constructor(status: number, body: ErrorBody) {
    super(describe(status, body));
    this.status = status;
    this.body = body;
  }
}

function describe(status: number, body: ErrorBody): string {
  if (body.detail) return body.detail;
  const fields = Object.entries(body)
    .filter(([key]) => key !== "code")
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(" ") : String(value)}`);
  return fields.length ? fields.join("; ") : `Request failed (${status})`;
}

/** What a person can read of a non-JSON answer (an HTML error page, a proxy's text). */
export function describeNonJson(status: number, statusText: string, text: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text)?.[1];
  const looksHtml = /^\s*</.test(text);
  const raw = title ?? heading ?? (looksHtml ? "" : text.slice(0, 200));
  const said = decodeEntities(raw.replace(/<[^>]*>/g, " "))
    .replace(/\s+/g, " ")
    .trim();
  const what = status >= 500 ? "The server had an error" : "The server refused the request";
  const code = `${status}${statusText ? ` ${statusText}` : ""}`;
  // Django's own page says only "Server Error (500)": the status line already says that.
  const extra = said && !/^server error \(\d+\)$/i.test(said) ? `: ${said}` : "";
  return `${what} (${code})${extra}. Nothing you typed was lost; try again.`;
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => named[name] ?? "");
}

function csrfToken(): string {
  if (typeof document === "undefined") return "";
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1] ?? "") : "";
}

/** One request to a full URL; the answer's JSON, or an ApiError a person can read. */
async function send(method: string, url: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, {
      detail: "Could not reach the server. Nothing you typed was lost; try again.",
      code: "network",
    });
  }
  if (response.status === 401) window.location.assign(loginUrl());
  if (response.status === 204) return undefined;
  const text = await response.text();
  let data: unknown = undefined;
  let json = text === "";
  if (text) {
    try {
      data = JSON.parse(text);
      json = true;
    } catch {
      json = false; // an HTML error page or a proxy's text: never shown as a JSON error
    }
  }
  if (!json) {
    throw new ApiError(response.status, {
      detail: describeNonJson(response.status, response.statusText, text),
      code: "not_json",
    });
  }
  if (!response.ok) {
    const errorBody =
      data && typeof data === "object" && !Array.isArray(data) ? (data as ErrorBody) : {};
    throw new ApiError(response.status, errorBody);
  }
  return data;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await send(method, `/api/v1${path}`, body)) as T;
}

export function loginUrl(): string {
  return `/accounts/login/?next=${encodeURIComponent(window.location.pathname)}`;
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {});
export const put = <T>(path: string, body?: unknown) => request<T>("PUT", path, body ?? {});
export const patch = <T>(path: string, body?: unknown) => request<T>("PATCH", path, body ?? {});
export const del = <T>(path: string) => request<T>("DELETE", path);

// --- The typed client ---------------------------------------------------------------------

type Method = "get" | "post" | "put" | "patch" | "delete";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** The schema's paths that answer `method`. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: [Operation<P, M>] extends [never] ? never : P;
}[keyof paths];

type ParamsOf<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = ParamsOf<O> extends { path: infer X } ? X : never;
type QueryParams<O> = ParamsOf<O> extends { query?: infer X } ? NonNullable<X> : never;
type Params<O> = ([PathParams<O>] extends [never] ? { path?: never } : { path: PathParams<O> }) &
  ([QueryParams<O>] extends [never] ? { query?: never } : { query?: QueryParams<O> });
type JsonBody<O> = O extends { requestBody?: infer R }
  ? NonNullable<R> extends { content: { "application/json": infer B } }
    ? B
    : never
  : never;
type BodyPart<O> = [JsonBody<O>] extends [never]
  ? { body?: never }
  : O extends { requestBody: unknown }
    ? { body: JsonBody<O> }
    : { body?: JsonBody<O> };
type ParamsPart<O> = [PathParams<O>] extends [never]
  ? { params?: Params<O> }
  : { params: Params<O> };
/** What a call takes besides its path: `params` (path and query) and the JSON `body`. */
export type Init<O> = ParamsPart<O> & BodyPart<O>;
type Responses<O> = O extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: { "application/json": infer D } } ? D : undefined;
/** The JSON of the operation's success answers (2xx). */
export type Data<O> = {
  [S in keyof Responses<O>]: S extends 200 | 201 | 202 | 204 ? JsonOf<Responses<O>[S]> : never;
}[keyof Responses<O>];
type Args<O> = object extends Init<O> ? [init?: Init<O>] : [init: Init<O>];

/** The URL for a schema path: `{name}` filled from `path`, `query` appended (unset keys left
 * out). */
export function buildUrl(
  template: string,
  params: { path?: Record<string, unknown>; query?: Record<string, unknown> } = {},
): string {
  const url = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params.path?.[name];
    if (value === undefined || value === null) throw new Error(`${template} needs ${name}`);
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params.query ?? {})) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const search = query.toString();
  return search ? `${url}?${search}` : url;
}

function call(method: Method) {
  return async (path: string, init?: { params?: object; body?: unknown }): Promise<unknown> => {
    const url = buildUrl(path, (init?.params ?? {}) as Parameters<typeof buildUrl>[1]);
    const body = method === "get" || method === "delete" ? undefined : (init?.body ?? {});
    return send(method.toUpperCase(), url, body);
  };
}

type Caller<M extends Method> = <P extends PathsWith<M>>(
  path: P,
  ...init: Args<Operation<P, M>>
) => Promise<Data<Operation<P, M>>>;

/** The typed client: `api.post("/api/v1/nodes/{id}/expand/", { params: { path: { id } },
 * body: { k: 4 } })` checks the path, its parameters and the body against the schema. */
export const api = {
  get: call("get") as Caller<"get">,
  post: call("post") as Caller<"post">,
  put: call("put") as Caller<"put">,
  patch: call("patch") as Caller<"patch">,
  delete: call("delete") as Caller<"delete">,
};
