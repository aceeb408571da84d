// The window's profile and region, and the profiles and regions it can switch to.
import type { Answer, Api } from "../lib/api";
import type { ConnectionSummary, ErrorPayload, ProfileSummary } from "../lib/bindings";

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
  #api: Pick<Api, "activeConnection" | "selectProfile" | "listProfiles" | "listRegions">;

  constructor(api: Pick<Api, "activeConnection" | "selectProfile" | "listProfiles" | "listRegions">) {
    this.#api = api;
  }

  /** Takes the window's connection as answered (at start-up, or asked again). */
  adopt(answer: Answer<ConnectionSummary>) {
    if (answer.status === "ok") {
      this.connection = answer.data;
      this.error = null;
    } else {
      this.error = answer.error;
    }
  }

  async reloadConnection() {
    const mine = this.#switches;
    const answer = await this.#api.activeConnection();
    if (mine === this.#switches) this.adopt(answer);
  }

  async loadProfiles() {
    const listed = await this.#api.listProfiles();
    if (listed.status === "ok") this.profiles = listed.data;
  }

  async loadRegions() {
    this.regions = await this.#api.listRegions();
  }

  /**
   * Switches the window; true when it did. A failed switch leaves the window as it was
   * and says why; when switches overlap, only the last one counts.
   */
  async switchTo(profile: string, region: string | null): Promise<boolean> {
    const mine = ++this.#switches;
    const switched = await this.#api.selectProfile(profile, region);
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
