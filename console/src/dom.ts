// The one way the console builds its pages: elements whose text is always text. Strings become text nodes,
// never markup, so a dashboard named `<img src=x onerror=alert(1)>` shows exactly those characters. Nothing
// in the console assigns innerHTML or outerHTML, and no attribute carries inline style or script (the
// Content-Security-Policy would refuse both).

export type Child = Node | string | number | null | undefined | false | Child[];
type Listener = (event: Event) => void;
export type Attributes = Record<string, string | number | boolean | null | undefined | Listener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Attributes | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(name.replace(/^on/, ""), value);
    } else if (name === "style" || name.startsWith("on")) {
      throw new Error(`h(): ${name} is not set from markup (CSP): use element.style or a listener`);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent` with `children`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** A paragraph saying what is happening, for screen readers too. */
export function status(kind: "loading" | "empty" | "error" | "notice", text: string, ...more: Child[]): HTMLElement {
  return h("p", { class: `state state-${kind}`, role: kind === "error" ? "alert" : "status" }, text, ...more);
}

let counter = 0;
/** An id unique in the page, to tie a label to its control. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A labelled select. */
export function select(
  label: string,
  options: Array<[string, string] | { group: string; options: Array<[string, string]> }>,
  value: string,
  onChange: (value: string) => void,
  attributes: Attributes = {},
): HTMLElement {
  const id = uid("select");
  const control = h("select", { id, ...attributes });
  for (const option of options) {
    if (Array.isArray(option)) control.append(h("option", { value: option[0] }, option[1]));
    else
      control.append(
        h("optgroup", { label: option.group }, ...option.options.map(([v, text]) => h("option", { value: v }, text))),
      );
  }
  control.value = value;
  control.addEventListener("change", () => onChange(control.value));
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

/** A labelled input. */
export function input(
  label: string,
  value: string,
  onChange: (value: string) => void,
  attributes: Attributes = {},
): HTMLElement {
  const id = uid("input");
  const control = h("input", { id, value, ...attributes });
  control.value = value;
  control.addEventListener("change", () => onChange(control.value));
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}
