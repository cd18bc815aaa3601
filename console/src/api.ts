// Calls to the service's own API (same origin as the console, so the Content-Security-Policy's
// connect-src 'self' is all it needs). The signed-in token goes in the Authorization header, never in a URL.
// Every failure becomes an ApiError whose message says in words what happened and what to do.

import { currentToken } from "./session";

export type Query = Record<string, string | number | boolean | null | undefined | string[]>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The caller should sign in (again) to do this. */
  get needsSignIn(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) value.forEach((item) => params.append(name, item));
    else params.append(name, String(value));
  }
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ""}`;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = currentToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "The service could not be reached. Check the connection and try again.");
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      describeFailure(response.status, body, Boolean(token)),
      response.headers.get("apigw-requestid"),
    );
  }
  return body as T;
}

/** What a failed answer means for the person in front of the console. */
export function describeFailure(status: number, body: unknown, signedIn: boolean): string {
  const detail = detailText(body);
  switch (status) {
    case 401:
      return signedIn
        ? "The service did not accept your token (it may have expired or be for another service). Sign in again with a new token."
        : "Sign in with a token to do this.";
    case 403:
      if (!detail || detail === "Forbidden")
        return signedIn
          ? "The service refused your token. Sign in again with a valid token."
          : "This needs a token: sign in first.";
      return `Your token does not allow this: ${detail}`;
    case 404:
      return detail && detail !== "Not Found" ? `Not found: ${detail}` : "Not found: it may have been deleted, or it is private.";
    case 413:
      return "The request is too large for the service.";
    case 429:
      return "The service is busy (too many requests). Wait a moment and try again.";
    case 503:
      return detail ? `The service is not available right now: ${detail}` : "The service is not available right now. Try again shortly.";
    default:
      if (status >= 500)
        return `The service failed to answer (HTTP ${status}). Try again; if it keeps failing, tell the team.`;
      return detail ? detail : `The request failed (HTTP ${status}).`;
  }
}

function detailText(body: unknown): string {
  if (!body || typeof body !== "object") return "";
  const record = body as Record<string, unknown>;
  const detail = record.detail ?? record.message;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        if (!item || typeof item !== "object") return String(item);
        const { loc, msg } = item as { loc?: unknown[]; msg?: string };
        const field = Array.isArray(loc) ? loc.filter((part) => part !== "body" && part !== "query").join(".") : "";
        return field ? `${field}: ${msg ?? ""}` : String(msg ?? "");
      })
      .join("; ");
  }
  return "";
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** The message to show for any error a page caught. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return `Something went wrong in the console: ${error.message}`;
  return "Something went wrong in the console.";
}
