/**
 * An error that belongs to one field sits under that field, says what is
 * wrong with it, and is tied to it (`aria-invalid`, `aria-describedby`), so a
 * screen reader reads it with the field and the first one gets the focus.
 * Every problem of a form is shown at once, not one per submit.
 *
 *   clearFieldErrors(form);
 *   setFieldError(email, t("emailInvalid"));
 *   focusFirstError(form);
 */
import { h } from "./dom";

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function errorId(control: Control): string {
  return `${control.id}-error`;
}

export function setFieldError(control: Control, message: string): void {
  const id = errorId(control);
  let note = document.getElementById(id);
  if (!note) {
    note = h("p", { id, className: "field-error" });
    // Under the field (its label/checkbox row), before any hint.
    const row = control.closest(".field, .check") ?? control;
    row.append(note);
  }
  note.textContent = message;
  control.setAttribute("aria-invalid", "true");
  const described = new Set((control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean));
  described.add(id);
  control.setAttribute("aria-describedby", [...described].join(" "));
}

function clearFieldError(control: Control): void {
  const id = errorId(control);
  document.getElementById(id)?.remove();
  control.removeAttribute("aria-invalid");
  const rest = (control.getAttribute("aria-describedby") ?? "").split(" ").filter((d) => d && d !== id);
  if (rest.length > 0) control.setAttribute("aria-describedby", rest.join(" "));
  else control.removeAttribute("aria-describedby");
}

export function clearFieldErrors(form: HTMLElement): void {
  for (const control of form.querySelectorAll<Control>("[aria-invalid]")) clearFieldError(control);
}

/** Focuses the first field with an error; false when there is none. */
export function focusFirstError(form: HTMLElement): boolean {
  const first = form.querySelector<Control>('[aria-invalid="true"]');
  first?.focus();
  return first !== null;
}
