// The signed-in token: pasted once, kept in this tab's session storage (gone when the tab closes), sent only
// in the Authorization header of the console's own API calls, never put in a URL.

const KEY = "analytics-console.token";
const listeners = new Set<() => void>();

export interface Claims {
  subject: string | null;
  roles: string[];
  expiresAt: Date | null;
}

export function currentToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Signs in with `token` if `check`, made with that token, succeeds; otherwise the session stays as it was. */
export async function signInChecked(token: string, check: () => Promise<unknown>): Promise<void> {
  const previous = currentToken();
  sessionStorage.setItem(KEY, token);
  try {
    await check();
  } catch (error) {
    if (previous) sessionStorage.setItem(KEY, previous);
    else sessionStorage.removeItem(KEY);
    throw error;
  }
  listeners.forEach((listener) => listener());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

export function onSessionChange(listener: () => void): void {
  listeners.add(listener);
}

/** "Bearer abc.def.ghi" or "abc.def.ghi" with stray spaces: the token itself, or null if it is no JWT. */
export function cleanToken(pasted: string): string | null {
  const token = pasted.trim().replace(/^bearer\s+/i, "").trim();
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token) ? token : null;
}

/** What the token says about its holder, to show who is signed in. Only the service verifies tokens. */
export function claimsOf(token: string): Claims {
  try {
    const payload = token.split(".")[1];
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<
      string,
      unknown
    >;
    const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
    return {
      subject: typeof claims.sub === "string" ? claims.sub : null,
      roles,
      expiresAt: typeof claims.exp === "number" ? new Date(claims.exp * 1000) : null,
    };
  } catch {
    return { subject: null, roles: [], expiresAt: null };
  }
}
