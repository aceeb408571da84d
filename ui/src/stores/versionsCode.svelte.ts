// The Configuration tab's writes that are not settings: publishing a version, creating,
// editing and deleting aliases (weighted routing included), deploying code and
// downloading it. Holds the dialogs, busy flags, progress, results and errors; the views
// render this and call its methods. A read-only profile blocks every write here (the
// core refuses them too), downloading stays allowed.
import { api as tauriApi, type Api } from "../lib/api";
import type {
  AliasEdit,
  AliasInfo,
  CodeDeployed,
  CodeDownloaded,
  CodeProgress,
  ErrorPayload,
  FunctionDetails,
  VersionInfo,
} from "../lib/bindings";
import { formatBytes } from "../lib/functions";
import { isReadOnly } from "../lib/profileForm";
import type { AppStore } from "./app.svelte";

export type VersionsCodeApi = Pick<Api, "publishVersion" | "setAlias" | "removeAlias" | "deployCode" | "downloadCode">;

/** What the store needs of the window around it. */
export type PaneLink = {
  /** The selected function's saved details, as the pane shows them. */
  details(): FunctionDetails | null;
  /** Shows the function's details again after a change (when it is still selected). */
  reloadDetails(functionName: string): Promise<void>;
  /** The active profile's name when it is marked read-only, else `null`. */
  readOnlyProfile(): string | null;
};

/** Error messages by the field the core names (`alias.name`, `path`, …). */
export type FieldErrors = Partial<Record<string, string>>;

/** The alias dialog's inputs; the weight is typed in percent. */
export type AliasForm = {
  /** Editing an existing alias: its name is fixed. */
  editing: boolean;
  name: string;
  version: string;
  description: string;
  weighted: boolean;
  additionalVersion: string;
  weightPercent: number | null;
};

export const LATEST = "$LATEST";
export const ALIAS_FIELDS = [
  "alias.name",
  "alias.function_version",
  "alias.description",
  "alias.additional_version",
  "alias.additional_weight",
] as const;
const PUBLISH_FIELDS = ["version.description"];
const DEPLOY_FIELDS = ["path"];
const DOWNLOAD_FIELDS = ["dir"];

/** A share of traffic (0–1) in percent, without float noise: 0.07 → 7, 0.125 → 12.5. */
export function percentOf(weight: number): number {
  return Number((weight * 100).toFixed(1));
}

/** Where an alias sends traffic: "1" or, weighted, "1, 20% to 2". */
export function describeAliasRouting(alias: AliasInfo): string {
  const weighted = alias.additional_version_weights.map((w) => `${percentOf(w.weight ?? 0)}% to ${w.version}`);
  return [alias.function_version ?? "—", ...weighted].join(", ");
}

/** "Deployed 12 files (1.2 MB), Successful, published version 4". */
export function describeDeploy(deployed: CodeDeployed): string {
  const published = deployed.version ? `, published version ${deployed.version}` : "";
  return `Deployed ${deployed.files} files (${formatBytes(deployed.code_size)}), ${deployed.status}${published}`;
}

export function describeDownload(downloaded: CodeDownloaded): string {
  return `Downloaded ${downloaded.files} files to ${downloaded.dir}`;
}

/**
 * Splits an error into messages for the form's own fields and what is left to show on
 * one line (no fields, or fields the form does not have).
 */
function splitError(error: ErrorPayload, known: readonly string[]): { fields: FieldErrors; rest: ErrorPayload | null } {
  const fields: FieldErrors = {};
  const unplaced = error.fields.filter((f) => !known.includes(f.field));
  for (const f of error.fields) if (known.includes(f.field)) fields[f.field] ??= f.message;
  if (error.fields.length === 0) return { fields, rest: error };
  const rest = unplaced.length === 0 ? null : { ...error, message: unplaced.map((f) => f.message).join(" "), fields: unplaced };
  return { fields, rest };
}

export class VersionsCodeStore {
  /** The function the state below belongs to. */
  functionName = $state<string | null>(null);

  /** The publish dialog's description, `null` while it is closed. */
  publishDescription = $state<string | null>(null);
  publishing = $state(false);
  publishErrors = $state.raw<FieldErrors>({});
  publishError = $state.raw<ErrorPayload | null>(null);
  published = $state.raw<VersionInfo | null>(null);
  /** Lambda answered with a version that already existed: nothing changed since it. */
  publishedExisting = $state(false);

  /** The alias dialog's inputs, `null` while it is closed. */
  aliasForm = $state<AliasForm | null>(null);
  savingAlias = $state(false);
  aliasErrors = $state.raw<FieldErrors>({});
  aliasError = $state.raw<ErrorPayload | null>(null);
  aliasNotice = $state<string | null>(null);

  /** The alias waiting for the user's yes to delete it. */
  deletingAlias = $state<string | null>(null);
  removingAlias = $state(false);
  deleteError = $state.raw<ErrorPayload | null>(null);

  deployPath = $state("");
  deployPublish = $state(false);
  deploying = $state(false);
  deployProgress = $state.raw<CodeProgress | null>(null);
  deployResult = $state.raw<CodeDeployed | null>(null);
  deployErrors = $state.raw<FieldErrors>({});
  deployError = $state.raw<ErrorPayload | null>(null);

  downloadDir = $state("");
  downloading = $state(false);
  downloadProgress = $state.raw<CodeProgress | null>(null);
  downloadResult = $state.raw<CodeDownloaded | null>(null);
  downloadErrors = $state.raw<FieldErrors>({});
  downloadError = $state.raw<ErrorPayload | null>(null);

  #api: VersionsCodeApi;
  #pane: PaneLink;
  // Bumped when the function changes: answers for an earlier one are dropped.
  #token = 0;

  constructor(api: VersionsCodeApi, pane: PaneLink) {
    this.#api = api;
    this.#pane = pane;
  }

  /** Why writes are disabled (the tooltip of every write control), or `null`. */
  get writeBlocked(): string | null {
    const profile = this.#pane.readOnlyProfile();
    return profile === null ? null : `Profile "${profile}" is read-only.`;
  }

  get versions(): VersionInfo[] {
    return this.#pane.details()?.versions?.versions ?? [];
  }

  /** Versions an alias can point at besides $LATEST (weighted routing takes only these). */
  get publishedVersions(): string[] {
    return this.versions.map((v) => v.version).filter((v) => v !== LATEST);
  }

  /** What the alias can point at: $LATEST, the published versions, and what it points at now. */
  get aliasVersionChoices(): string[] {
    return [...new Set([LATEST, ...this.publishedVersions, this.aliasForm?.version ?? LATEST])];
  }

  /** What weighted routing can send traffic to: published versions only. */
  get additionalVersionChoices(): string[] {
    const current = this.aliasForm?.additionalVersion;
    return [...new Set([...this.publishedVersions, ...(current ? [current] : [])])];
  }

  get aliases(): AliasInfo[] {
    return this.#pane.details()?.aliases?.aliases ?? [];
  }

  /** "80% to version 1": what the alias's own version keeps of the traffic. */
  get primaryShare(): string | null {
    const form = this.aliasForm;
    if (!form?.weighted || !this.#validPercent(form.weightPercent)) return null;
    return `${Number((100 - form.weightPercent).toFixed(1))}% to version ${form.version}`;
  }

  /** Shows the state of `name` (a switch empties what belonged to the previous function). */
  show(name: string | null) {
    if (name === this.functionName) return;
    this.#token++;
    this.functionName = name;
    this.publishDescription = null;
    this.publishing = false;
    this.publishErrors = {};
    this.publishError = null;
    this.published = null;
    this.publishedExisting = false;
    this.aliasForm = null;
    this.savingAlias = false;
    this.aliasErrors = {};
    this.aliasError = null;
    this.aliasNotice = null;
    this.deletingAlias = null;
    this.removingAlias = false;
    this.deleteError = null;
    // A path typed for one function is not deployed to another by accident.
    this.deployPath = "";
    this.deployPublish = false;
    this.deploying = false;
    this.deployProgress = null;
    this.deployResult = null;
    this.deployErrors = {};
    this.deployError = null;
    this.downloadDir = "";
    this.downloading = false;
    this.downloadProgress = null;
    this.downloadResult = null;
    this.downloadErrors = {};
    this.downloadError = null;
  }

  startPublish() {
    if (this.writeBlocked) return;
    this.publishDescription = "";
    this.publishErrors = {};
    this.publishError = null;
  }

  cancelPublish() {
    this.publishDescription = null;
  }

  /** Publishes $LATEST as a new version; true when it did. */
  async publish(): Promise<boolean> {
    const fn = this.functionName;
    if (fn === null || this.publishDescription === null || this.publishing || this.writeBlocked) return false;
    const token = this.#token;
    this.publishing = true;
    this.publishErrors = {};
    this.publishError = null;
    // Lambda publishes nothing when code and configuration are unchanged since the last
    // version, and answers with that version instead.
    const known = new Set(this.publishedVersions);
    const answer = await this.#api.publishVersion(fn, this.publishDescription);
    if (token !== this.#token) return false;
    this.publishing = false;
    if (answer.status === "error") {
      const { fields, rest } = splitError(answer.error, PUBLISH_FIELDS);
      this.publishErrors = fields;
      this.publishError = rest;
      return false;
    }
    this.published = answer.data;
    this.publishedExisting = known.has(answer.data.version);
    this.publishDescription = null;
    await this.#pane.reloadDetails(fn);
    return true;
  }

  startNewAlias() {
    if (this.writeBlocked) return;
    const numbers = this.publishedVersions.map(Number).filter(Number.isFinite);
    const newest = numbers.length > 0 ? String(Math.max(...numbers)) : LATEST;
    this.#openAliasForm({
      editing: false,
      name: "",
      version: newest,
      description: "",
      weighted: false,
      additionalVersion: "",
      weightPercent: null,
    });
  }

  startEditAlias(name: string) {
    const alias = this.aliases.find((a) => a.name === name);
    if (!alias || this.writeBlocked) return;
    const extra = alias.additional_version_weights[0];
    this.#openAliasForm({
      editing: true,
      name: alias.name,
      version: alias.function_version ?? LATEST,
      description: alias.description ?? "",
      weighted: extra !== undefined,
      additionalVersion: extra?.version ?? "",
      weightPercent: extra ? percentOf(extra.weight ?? 0) : null,
    });
  }

  cancelAlias() {
    this.aliasForm = null;
  }

  /** Creates or updates the alias of the dialog; true when it did (the dialog closes). */
  async saveAlias(): Promise<boolean> {
    const fn = this.functionName;
    const form = this.aliasForm;
    if (fn === null || form === null || this.savingAlias || this.writeBlocked) return false;
    this.aliasErrors = {};
    this.aliasError = null;
    const name = form.name.trim();
    // Lambda would update an existing alias of that name: a new one never replaces it silently.
    if (!form.editing && this.aliases.some((a) => a.name === name)) {
      this.aliasErrors = { "alias.name": `The alias ${name} exists: edit it instead.` };
      return false;
    }
    // The core checks a 0–1 weight; the percent is checked here so the message speaks percent.
    if (form.weighted && !this.#validPercent(form.weightPercent)) {
      this.aliasErrors = { "alias.additional_weight": "The weight is a percentage from 0 to 100." };
      return false;
    }
    const edit: AliasEdit = {
      name,
      function_version: form.version,
      description: form.description,
      additional_version: form.weighted && form.additionalVersion !== "" ? form.additionalVersion : null,
      additional_weight: form.weighted && form.weightPercent !== null ? form.weightPercent / 100 : null,
    };
    const token = this.#token;
    this.savingAlias = true;
    const answer = await this.#api.setAlias(fn, edit);
    if (token !== this.#token) return false;
    this.savingAlias = false;
    if (answer.status === "error") {
      const { fields, rest } = splitError(answer.error, ALIAS_FIELDS);
      this.aliasErrors = fields;
      this.aliasError = rest;
      return false;
    }
    this.aliasForm = null;
    this.aliasNotice = `Saved alias ${answer.data.name}: ${describeAliasRouting(answer.data)}.`;
    await this.#pane.reloadDetails(fn);
    return true;
  }

  askDeleteAlias(name: string) {
    if (this.writeBlocked) return;
    this.deletingAlias = name;
    this.deleteError = null;
  }

  cancelDeleteAlias() {
    this.deletingAlias = null;
  }

  /** Deletes the alias the user confirmed; true when it did. */
  async confirmDeleteAlias(): Promise<boolean> {
    const fn = this.functionName;
    const name = this.deletingAlias;
    if (fn === null || name === null || this.removingAlias || this.writeBlocked) return false;
    const token = this.#token;
    this.removingAlias = true;
    this.deleteError = null;
    const answer = await this.#api.removeAlias(fn, name);
    if (token !== this.#token) return false;
    this.removingAlias = false;
    if (answer.status === "error") {
      this.deleteError = answer.error;
      return false;
    }
    this.deletingAlias = null;
    this.aliasNotice = `Deleted alias ${name}.`;
    await this.#pane.reloadDetails(fn);
    return true;
  }

  /** Deploys the folder or .zip at the typed path; true when Lambda took the code. */
  async deploy(): Promise<boolean> {
    const fn = this.functionName;
    if (fn === null || this.deploying || this.writeBlocked) return false;
    const token = this.#token;
    this.deploying = true;
    this.deployProgress = null;
    this.deployResult = null;
    this.deployErrors = {};
    this.deployError = null;
    const answer = await this.#api.deployCode(fn, this.deployPath.trim(), this.deployPublish, (step) => {
      if (token === this.#token) this.deployProgress = step;
    });
    if (token !== this.#token) return false;
    this.deploying = false;
    if (answer.status === "error") {
      const { fields, rest } = splitError(answer.error, DEPLOY_FIELDS);
      this.deployErrors = fields;
      this.deployError = rest;
      return false;
    }
    this.deployResult = answer.data;
    // Also after a Failed update: the details show the function's last update status.
    await this.#pane.reloadDetails(fn);
    return answer.data.status !== "Failed";
  }

  /** Downloads the deployed code into the typed folder; true when it did. */
  async download(): Promise<boolean> {
    const fn = this.functionName;
    if (fn === null || this.downloading) return false;
    const token = this.#token;
    this.downloading = true;
    this.downloadProgress = null;
    this.downloadResult = null;
    this.downloadErrors = {};
    this.downloadError = null;
    const answer = await this.#api.downloadCode(fn, this.downloadDir.trim(), (step) => {
      if (token === this.#token) this.downloadProgress = step;
    });
    if (token !== this.#token) return false;
    this.downloading = false;
    if (answer.status === "error") {
      const { fields, rest } = splitError(answer.error, DOWNLOAD_FIELDS);
      this.downloadErrors = fields;
      this.downloadError = rest;
      return false;
    }
    this.downloadResult = answer.data;
    return true;
  }

  #openAliasForm(form: AliasForm) {
    this.aliasForm = form;
    this.aliasErrors = {};
    this.aliasError = null;
    this.aliasNotice = null;
  }

  #validPercent(percent: number | null): percent is number {
    return typeof percent === "number" && Number.isFinite(percent) && percent >= 0 && percent <= 100;
  }
}

// One store per window, made on first use by the Configuration tab's sections.
const stores = new WeakMap<AppStore, VersionsCodeStore>();

/** The window's store, tied to its pane (details, refresh) and its active profile. */
export function versionsCodeOf(app: AppStore): VersionsCodeStore {
  let store = stores.get(app);
  if (!store) {
    store = new VersionsCodeStore(tauriApi, {
      details: () => app.pane.details,
      // The core saved the details with the change: show that copy, and the list row
      // (a deploy changes the code's size), without fetching again.
      reloadDetails: async (name) => {
        const [saved] = await Promise.all([tauriApi.cachedFunctionDetails(name), app.list.showSaved()]);
        if (saved.status === "ok" && saved.data && app.pane.selected === name) app.pane.details = saved.data;
      },
      readOnlyProfile: () => {
        const name = app.session.connection?.profile ?? null;
        return name !== null && isReadOnly(app.session.profiles, name) ? name : null;
      },
    });
    stores.set(app, store);
  }
  return store;
}
