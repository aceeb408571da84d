// Opening live tail windows from the main window: the list's multi-selection, the Logs
// tab and the palette ask here (the tail window itself is stores/tail.svelte.ts). A tail
// follows the window's profile and region. A refusal is kept with the functions it was
// about, so the place that asked for those functions shows it.
import type { Api } from "../lib/api";
import type { ErrorPayload } from "../lib/bindings";

export type TailFailure = { functions: readonly string[]; error: ErrorPayload };

export class TailOpenerStore {
  /** The functions whose tail window is being opened (one at a time: no double windows). */
  opening = $state.raw<readonly string[] | null>(null);
  failure = $state.raw<TailFailure | null>(null);

  // Bumped when the window leaves its scope: a refusal about the old one is not shown.
  #scope = 0;
  #api: Pick<Api, "openTailWindow">;

  constructor(api: Pick<Api, "openTailWindow">) {
    this.#api = api;
  }

  /** Opens a tail window following `functions`; true when it opened. */
  async open(functions: readonly string[]): Promise<boolean> {
    if (functions.length === 0 || this.opening !== null) return false;
    const scope = this.#scope;
    this.opening = functions;
    this.failure = null;
    const answer = await this.#api.openTailWindow([...functions]);
    if (scope !== this.#scope) return answer.status === "ok";
    this.opening = null;
    if (answer.status === "ok") return true;
    this.failure = { functions, error: answer.error };
    return false;
  }

  /** The last refusal, when it was about exactly these functions. */
  errorFor(functions: readonly string[]): ErrorPayload | null {
    const failed = this.failure;
    if (failed === null || failed.functions.length !== functions.length) return null;
    return failed.functions.every((name, i) => name === functions[i]) ? failed.error : null;
  }

  /** The window left its profile and region. */
  reset() {
    this.#scope++;
    this.opening = null;
    this.failure = null;
  }
}
