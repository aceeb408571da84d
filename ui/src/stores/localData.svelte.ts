// Settings → Local data: how much is saved per profile and region, how old each saved
// list is, and clearing one of them or all (asked once before anything is deleted); how
// many invocations a function's history keeps, and how many lines a live tail keeps.
import type { Api } from "../lib/api";
import type { ErrorPayload, LocalDataSummary, Scope } from "../lib/bindings";

type LocalDataApi = Pick<
  Api,
  | "localData"
  | "clearLocalData"
  | "invocationHistoryLimit"
  | "setInvocationHistoryLimit"
  | "tailBufferLines"
  | "setTailBufferLines"
>;

/** What a clear is about: one profile and region, or everything (`null`). */
export type ClearTarget = { scope: Scope | null };

export class LocalDataStore {
  summary = $state.raw<LocalDataSummary | null>(null);
  error = $state<ErrorPayload | null>(null);
  /** The clear waiting for the user's yes. */
  confirming = $state<ClearTarget | null>(null);
  clearing = $state(false);
  /** How many invocations the Test tab's history keeps per function. */
  historyLimit = $state<number | null>(null);
  historyLimitError = $state<string | null>(null);
  /** How many lines a live tail window keeps (its oldest go past that). */
  tailBufferLines = $state<number | null>(null);
  tailBufferLinesError = $state<string | null>(null);

  // Bumped by every load and clear: an older answer does not overwrite a newer one.
  #token = 0;
  #api: LocalDataApi;

  constructor(api: LocalDataApi) {
    this.#api = api;
  }

  async load() {
    const mine = ++this.#token;
    this.#api.invocationHistoryLimit().then((limit) => {
      if (limit.status === "ok") this.historyLimit = limit.data;
    });
    this.#api.tailBufferLines().then((lines) => {
      if (lines.status === "ok") this.tailBufferLines = lines.data;
    });
    const answer = await this.#api.localData();
    if (mine !== this.#token) return;
    if (answer.status === "ok") {
      this.summary = answer.data;
      this.error = null;
    } else {
      this.error = answer.error;
    }
  }

  /** The first step of a clear: nothing is deleted until `confirm`. */
  ask(scope: Scope | null) {
    this.confirming = { scope };
  }

  cancel() {
    this.confirming = null;
  }

  /** Clears what was asked about; the cleared target, or null when nothing was cleared. */
  async confirm(): Promise<ClearTarget | null> {
    const target = this.confirming;
    if (target === null || this.clearing) return null;
    const mine = ++this.#token;
    this.clearing = true;
    const answer = await this.#api.clearLocalData(target.scope);
    this.clearing = false;
    this.confirming = null;
    if (answer.status === "error") {
      this.error = answer.error;
      return null;
    }
    if (mine === this.#token) {
      this.summary = answer.data;
      this.error = null;
    }
    return target;
  }

  /** Keeps `keep` invocations per function, as typed (checked in the core: 1 to 10,000;
   * text that is not a whole number gets the core's range message). */
  async setHistoryLimit(keep: number | string) {
    const typed = String(keep).trim();
    const answer = await this.#api.setInvocationHistoryLimit(/^\d+$/.test(typed) ? Number(typed) : 0);
    if (answer.status === "ok") {
      this.historyLimit = answer.data;
      this.historyLimitError = null;
    } else {
      this.historyLimitError = answer.error.fields[0]?.message ?? answer.error.message;
    }
  }

  /** Keeps `lines` lines per live tail, as typed ("100,000" too; checked in the core:
   * 1,000 to 1,000,000, and text that is not a whole number gets the core's range message).
   * Tail windows opened afterwards use it. */
  async setTailBufferLines(lines: number | string) {
    const typed = String(lines).replace(/[\s,_]/g, "");
    // Over nine digits is out of range anyway, and would not fit the command's u32.
    const wanted = /^\d{1,9}$/.test(typed) ? Number(typed) : 0;
    const answer = await this.#api.setTailBufferLines(wanted);
    if (answer.status === "ok") {
      this.tailBufferLines = wanted;
      this.tailBufferLinesError = null;
    } else {
      const atField = answer.error.fields.find((f) => f.field === "tail_buffer_lines");
      this.tailBufferLinesError = atField?.message ?? answer.error.message;
    }
  }
}
