// The one registry of things a user can do from the command palette (and their
// shortcuts). The frame registers refresh, settings, theme, console and the tabs; each
// capability registers its own actions here and nowhere else.

export type Action = {
  /** Stable id, recorded among the palette's recent picks. */
  id: string;
  title: string;
  /** Extra words the palette matches. */
  keywords?: string;
  /** Shown beside the title, e.g. "Ctrl+1". */
  shortcut?: string;
  /** Whether the action applies now (e.g. a function is selected); always when absent. */
  available?: () => boolean;
  run: () => unknown;
};

export class ActionRegistry {
  #actions = $state.raw<readonly Action[]>([]);

  /** Adds actions (replacing any with the same id); returns what removes them again. */
  register(...actions: Action[]): () => void {
    const ids = new Set(actions.map((a) => a.id));
    this.#actions = [...this.#actions.filter((a) => !ids.has(a.id)), ...actions];
    return () => {
      this.#actions = this.#actions.filter((a) => !ids.has(a.id) || !actions.includes(a));
    };
  }

  /** The actions that apply now, in the order they were registered. */
  available(): readonly Action[] {
    return this.#actions.filter((a) => a.available?.() ?? true);
  }

  run(id: string): boolean {
    const action = this.available().find((a) => a.id === id);
    if (!action) return false;
    action.run();
    return true;
  }
}
