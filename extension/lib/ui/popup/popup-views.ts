/**
 * The signed-in popup as a few short views behind a bar of buttons: Status
 * (the one glance: am I protected?), Usage, Devices, Account. Each view is a
 * region with its own heading, short enough for the 600 px popup; the others
 * stay in the page, hidden, so their state (a half-typed form, the usage
 * pages already loaded) survives switching. Switching moves the focus to the
 * new view's heading; the current button carries `aria-current="page"`.
 *
 *   const views = new PopupViews([{ id: "status", label: "Status", element }, …]);
 *   main.append(views.nav, ...views.elements);
 *   views.show("account");
 */
import { h } from "../dom";
import { t } from "../i18n";

export type ViewId = "status" | "sites" | "usage" | "devices" | "account";

export interface PopupView {
  id: ViewId;
  label: string;
  element: HTMLElement;
}

export class PopupViews {
  readonly nav: HTMLElement;
  private readonly buttons = new Map<ViewId, HTMLButtonElement>();
  current: ViewId;

  constructor(private readonly views: PopupView[]) {
    this.current = views[0]!.id;
    this.nav = h(
      "nav",
      { className: "view-tabs", "aria-label": t("viewsLabel") },
      h(
        "ul",
        {},
        ...views.map((view) => {
          const button = h("button", { type: "button", onclick: () => this.show(view.id, true) }, view.label);
          this.buttons.set(view.id, button);
          return h("li", {}, button);
        }),
      ),
    );
    this.show(this.current, false);
  }

  get elements(): HTMLElement[] {
    return this.views.map((v) => v.element);
  }

  /** Shows one view; `focus` puts the focus on its heading (a navigation), never on BODY. */
  show(id: ViewId, focus: boolean): void {
    this.current = id;
    for (const view of this.views) {
      view.element.hidden = view.id !== id;
      view.element.dataset.view = view.id;
      const button = this.buttons.get(view.id)!;
      if (view.id === id) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
    if (!focus) return;
    const heading = this.views.find((v) => v.id === id)?.element.querySelector<HTMLElement>("h2");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }
}
