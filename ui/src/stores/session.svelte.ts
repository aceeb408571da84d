// The window's profile and region, and the profiles and regions it can switch to.
import type { Answer, Api } from "../lib/api";
import type { ConnectionSummary, ErrorPayload, ProfileSummary } from "../lib/bindings";

type SessionApi = Pick<Api, "activeConnection" | "selectProfile" | "selectRegion" | "listProfiles" | "listRegions">;

export class SessionStore {
  connection = $state<ConnectionSummary | null>(null);
  profiles = $state.raw<ProfileSummary[]>([]);
  regions = $state.raw<string[]>([]);
  /** Why the last switch (or finding the active profile) failed. */
  error = $state<ErrorPayload | null>(null);

  /** Profile names to pick from; the active one first when it comes from the environment. */
  profileNames = $derived.by(() => {
    const names = this.profiles.map((p) => p.name);
    const active = this.connection?.profile;
    return active && !names.includes(active) ? [active, ...names] : names;
  });

  #switches = 0;
  #api: SessionApi;

  constructor(api: SessionApi) {
    this.#api = api;
  }

  /**
   * Takes the window's connection as it will be answered (asked at start-up, or again
   * after Settings); an answer that arrives after the user switched is dropped.
   */
  async adopt(answer: Promise<Answer<ConnectionSummary>>) {
    const mine = this.#switches;
    const answered = await answer;
    if (mine !== this.#switches) return;
    if (answered.status === "ok") {
      this.connection = answered.data;
      this.error = null;
    } else {
      this.error = answered.error;
    }
  }

  reloadConnection() {
    return this.adopt(this.#api.activeConnection());
  }

  async loadProfiles() {
    const listed = await this.#api.listProfiles();
    if (listed.status === "ok") this.profiles = listed.data;
  }

  async loadRegions() {
    this.regions = await this.#api.listRegions();
  }

  /** Switches the window to a profile (on its own region); true when it did. */
  switchProfile(profile: string): Promise<boolean> {
    return this.#switch(() => this.#api.selectProfile(profile, null));
  }

  /** Switches the window to a region, keeping its profile; true when it did. */
  switchRegion(region: string): Promise<boolean> {
    return this.#switch(() => this.#api.selectRegion(region));
  }

  /**
   * A failed switch leaves the window as it was and says why; when switches overlap,
   * only the last one counts.
   */
  async #switch(select: () => Promise<Answer<ConnectionSummary>>): Promise<boolean> {
    const mine = ++this.#switches;
    const switched = await select();
    if (mine !== this.#switches) return false;
    if (switched.status === "error") {
      this.error = switched.error;
      return false;
    }
    this.connection = switched.data;
    this.error = null;
    return true;
  }
}
