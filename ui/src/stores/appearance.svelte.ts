// Light, dark, or the OS setting followed live. The choice is kept by the backend; the
// page shows the effective theme through `data-theme` on <html> (app.css's variables).
import type { Api } from "../lib/api";
import type { Appearance, ErrorPayload } from "../lib/bindings";

export type ThemeName = "light" | "dark";

/** The OS setting, as `matchMedia("(prefers-color-scheme: dark)")` gives it. */
export type ColorSchemeQuery = {
  matches: boolean;
  addEventListener(type: "change", listener: (event: { matches: boolean }) => void): void;
};

/** Puts a theme on the page. */
export type ThemeTarget = (theme: ThemeName) => void;

export class AppearanceStore {
  preference = $state<Appearance>("system");
  systemDark = $state(false);
  error = $state<ErrorPayload | null>(null);
  effective = $derived<ThemeName>(
    this.preference === "system" ? (this.systemDark ? "dark" : "light") : this.preference,
  );

  #api: Pick<Api, "setAppearance">;
  #target: ThemeTarget;
  // The user chose here: the saved preference arriving later must not undo it.
  #chosen = false;

  constructor(api: Pick<Api, "setAppearance">, query: ColorSchemeQuery, target: ThemeTarget, preference: Appearance) {
    this.#api = api;
    this.#target = target;
    this.systemDark = query.matches;
    this.preference = preference;
    query.addEventListener("change", (event) => {
      this.systemDark = event.matches;
      this.#apply();
    });
    this.#apply();
  }

  /** The preference as the backend keeps it, unless the user has chosen meanwhile. */
  adopt(preference: Appearance) {
    if (this.#chosen) return;
    this.preference = preference;
    this.#apply();
  }

  async set(preference: Appearance) {
    this.#chosen = true;
    this.preference = preference;
    this.#apply();
    const saved = await this.#api.setAppearance(preference);
    this.error = saved.status === "error" ? saved.error : null;
  }

  /** The other theme than the one showing, as an override. */
  toggle() {
    return this.set(this.effective === "dark" ? "light" : "dark");
  }

  #apply() {
    this.#target(this.effective);
  }
}
