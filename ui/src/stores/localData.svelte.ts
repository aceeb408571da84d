// Settings → Local data: how much is saved per profile and region, how old each saved
// list is, and clearing one of them or all (asked once before anything is deleted).
import type { Api } from "../lib/api";
import type { ErrorPayload, LocalDataSummary, Scope } from "../lib/bindings";

type LocalDataApi = Pick<Api, "localData" | "clearLocalData" | "invocationHistoryLimit" | "setInvocationHistoryLimit">;

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
}
