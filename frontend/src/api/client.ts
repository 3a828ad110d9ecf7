// The one way the app talks to the server: JSON over /api/v1 with the session cookie and the
// CSRF token. Errors arrive in the API's one shape ({detail, code, ...}) as an ApiError.

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

function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1] ?? "") : "";
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: payload,
    credentials: "same-origin",
  });
  if (response.status === 401 || response.status === 403) {
    if (response.status === 401) window.location.assign(loginUrl());
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, (data ?? {}) as ErrorBody);
  return data as T;
}

export function loginUrl(): string {
  return `/accounts/login/?next=${encodeURIComponent(window.location.pathname)}`;
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {});
export const put = <T>(path: string, body?: unknown) => request<T>("PUT", path, body ?? {});
export const patch = <T>(path: string, body?: unknown) => request<T>("PATCH", path, body ?? {});
export const del = <T>(path: string) => request<T>("DELETE", path);
