import { describe, expect, it } from "vitest";

import { describeFailure } from "../src/api";
import { claimsOf, cleanToken } from "../src/session";

function token(claims: object): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.signature`;
}

describe("tokens", () => {
  it("takes a pasted token with or without its Bearer prefix, and nothing else", () => {
    const jwt = token({ sub: "a" });
    expect(cleanToken(`  Bearer ${jwt}\n`)).toBe(jwt);
    expect(cleanToken("not a token")).toBeNull();
    expect(cleanToken("a.b")).toBeNull();
  });

  it("reads who the token names, for display", () => {
    const claims = claimsOf(token({ sub: "ana@example.org", roles: ["analyst"], exp: 1_800_000_000 }));
    expect(claims).toEqual({ subject: "ana@example.org", roles: ["analyst"], expiresAt: new Date(1_800_000_000_000) });
    expect(claimsOf("x.y.z")).toEqual({ subject: null, roles: [], expiresAt: null });
  });
});

describe("errors in words", () => {
  it("tells a refused token from a missing one", () => {
    expect(describeFailure(401, { message: "Unauthorized" }, false)).toBe("Sign in with a token to do this.");
    expect(describeFailure(401, { message: "Unauthorized" }, true)).toMatch(/did not accept your token/);
    expect(describeFailure(403, { message: "Forbidden" }, true)).toMatch(/refused your token/);
    expect(describeFailure(403, { detail: "the analyst or admin role is needed" }, true)).toBe(
      "Your token does not allow this: the analyst or admin role is needed",
    );
  });

  it("lists the fields a 422 names", () => {
    const body = { detail: [{ loc: ["body", "periods"], msg: "Input should be less than or equal to 24", type: "x" }] };
    expect(describeFailure(422, body, true)).toBe("periods: Input should be less than or equal to 24");
  });

  it("never shows a bare status for a server failure", () => {
    expect(describeFailure(500, { message: "Internal Server Error" }, false)).toMatch(/failed to answer \(HTTP 500\)/);
  });
});
