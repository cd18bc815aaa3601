// Signing in: a token pasted once into a dialog, checked against the service, then kept in session storage.

import { api, ApiError, messageOf } from "./api";
import { h } from "./dom";
import { claimsOf, cleanToken, currentToken, signInChecked, signOut } from "./session";

let dialog: HTMLDialogElement | null = null;

/** Opens the sign-in dialog. */
export function openSignIn(): void {
  if (!dialog) dialog = buildDialog();
  const area = dialog.querySelector("textarea");
  const problem = dialog.querySelector(".field-problem");
  if (area) area.value = "";
  if (problem) problem.textContent = "";
  dialog.showModal();
  area?.focus();
}

function buildDialog(): HTMLDialogElement {
  const problem = h("p", { class: "field-problem", role: "alert" });
  const area = h("textarea", {
    id: "token-input",
    rows: 5,
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "eyJhbGciOi…",
  });
  const submit = h("button", { type: "submit", class: "button" }, "Sign in");
  const cancel = h("button", { type: "button", class: "button secondary" }, "Cancel");
  const form = h(
    "form",
    { method: "dialog", class: "signin-form" },
    h("h2", { id: "signin-title" }, "Sign in with a token"),
    h(
      "p",
      { class: "muted" },
      "Paste a bearer token of the Analytics Service. It stays in this browser tab only (session storage) until you sign out or close the tab, and is sent to the service alone, in a header.",
    ),
    h("label", { for: "token-input" }, "Token"),
    area,
    problem,
    h("div", { class: "form-actions" }, submit, cancel),
  );
  const element = h("dialog", { class: "signin", "aria-labelledby": "signin-title" }, form);
  cancel.addEventListener("click", () => element.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = cleanToken(area.value);
    if (!token) {
      problem.textContent = "That is not a token: a token is three parts of letters and digits joined by dots.";
      return;
    }
    const expires = claimsOf(token).expiresAt;
    if (expires && expires.getTime() < Date.now()) {
      problem.textContent = "This token has expired: ask for a new one.";
      return;
    }
    submit.disabled = true;
    problem.textContent = "Checking the token…";
    try {
      // The dashboards' reads verify a token that is sent, so a refused token shows at once.
      await signInChecked(token, () => api("/dashboards", { query: { limit: 1 } }));
      element.close();
    } catch (error) {
      problem.textContent =
        error instanceof ApiError && error.needsSignIn
          ? "The service refused this token (expired, or not issued for this service)."
          : messageOf(error);
    } finally {
      submit.disabled = false;
    }
  });
  document.body.append(element);
  return element;
}

/** The header's corner: who is signed in, and the buttons to sign in or out. */
export function sessionBox(): HTMLElement {
  const token = currentToken();
  if (!token) {
    const button = h("button", { type: "button", class: "button", "data-action": "sign-in" }, "Sign in");
    button.addEventListener("click", openSignIn);
    return h("div", { class: "session-box" }, button);
  }
  const claims = claimsOf(token);
  const out = h("button", { type: "button", class: "button secondary", "data-action": "sign-out" }, "Sign out");
  out.addEventListener("click", signOut);
  return h(
    "div",
    { class: "session-box" },
    h(
      "span",
      { class: "who" },
      "Signed in as ",
      h("b", null, claims.subject ?? "someone"),
      claims.roles.length ? ` (${claims.roles.join(", ")})` : "",
    ),
    out,
  );
}

/** What a page shows where a token is needed and none is there. */
export function signInNeeded(what: string): HTMLElement {
  const button = h("button", { type: "button", class: "button" }, "Sign in");
  button.addEventListener("click", openSignIn);
  return h("div", { class: "notice", role: "status" }, h("p", null, what), button);
}
