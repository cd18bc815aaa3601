// Views live in the URL's fragment (#/explore?metric_name=...), so every view has a link that reopens it and
// the function serving the console needs no route per view. The token is never part of it.

export interface Location {
  path: string[]; // "#/dashboards/abc" → ["dashboards", "abc"]
  query: URLSearchParams;
}

export function currentLocation(): Location {
  const hash = window.location.hash.replace(/^#\/?/, "");
  const [path, search = ""] = hash.split("?", 2);
  return {
    path: path.split("/").filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(search),
  };
}

export function href(path: string[], query: Record<string, string | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== null && value !== undefined && value !== "") params.set(name, value);
  const search = params.toString();
  return `#/${path.map(encodeURIComponent).join("/")}${search ? `?${search}` : ""}`;
}

/** Goes to another view (a new history entry). */
export function navigate(path: string[], query: Record<string, string | null | undefined> = {}): void {
  window.location.hash = href(path, query);
}

/** Records the current view's state in the URL without a new history entry or a re-render. */
export function replaceQuery(query: Record<string, string | null | undefined>): void {
  const { path } = currentLocation();
  history.replaceState(history.state, "", href(path, query));
}

/** The current view's full link, to share. */
export function shareableLink(): string {
  return window.location.href;
}
