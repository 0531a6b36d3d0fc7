/**
 * A tiny element builder so the views stay plain DOM without a framework
 * (the popup must open fast).
 *
 *   h("button", { type: "button", onclick: go }, t("signIn"))
 */
type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value as EventListener);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (name in element && !name.includes("-") && name !== "list" && name !== "form") {
      (element as unknown as Record<string, unknown>)[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A labelled form field: the label's `for` ties the accessible name to the control. */
export function field(
  id: string,
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: Node | string,
): HTMLDivElement {
  input.id = id;
  const hintId = `${id}-hint`;
  if (hint) input.setAttribute("aria-describedby", hintId);
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: id }, label),
    input,
    hint ? h("p", { id: hintId, className: "hint" }, hint) : null,
  );
}
