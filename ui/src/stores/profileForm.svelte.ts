// Settings → Profiles: the add/edit form (nothing typed is lost on an error; each
// message goes to its field), connection tests, read-only marks and removal.
import type { Api } from "../lib/api";
import type { CallerIdentity, ErrorPayload, ProfileSummary } from "../lib/bindings";
import { emptyForm, errorsByField, formFor, toInput, type ProfileForm } from "../lib/profileForm";

export type TestResult = { ok: CallerIdentity } | { error: ErrorPayload } | "running";

type ProfileFormApi = Pick<Api, "saveProfile" | "testProfile" | "removeProfile" | "setProfileReadOnly">;

export class ProfileFormStore {
  /** `null`: no form; `""`: a new profile; else the name being edited. */
  editing = $state<string | null>(null);
  form = $state<ProfileForm>(emptyForm());
  fieldErrors = $state<Record<string, string>>({});
  /** An error that is not about one field (the keyring, the store). */
  formError = $state<ErrorPayload | null>(null);
  saving = $state(false);
  testResults = $state<Record<string, TestResult>>({});
  /** The profiles whose read-only mark is being saved, and the value asked for. */
  readOnlyPending = $state<Record<string, boolean>>({});
  /** Why a profile's read-only mark could not be changed. */
  readOnlyErrors = $state<Record<string, ErrorPayload>>({});

  #api: ProfileFormApi;

  constructor(api: ProfileFormApi) {
    this.#api = api;
  }

  startAdd() {
    this.#open("", emptyForm());
  }

  startEdit(profile: ProfileSummary) {
    this.#open(profile.name, formFor(profile));
  }

  cancel() {
    this.editing = null;
  }

  /** Saves the form; true when saved (the form then closes). */
  async save(): Promise<boolean> {
    if (this.editing === null || this.saving) return false;
    this.saving = true;
    const result = await this.#api.saveProfile(this.editing === "" ? null : this.editing, toInput(this.form));
    this.saving = false;
    if (result.status === "ok") {
      this.editing = null;
      this.form = emptyForm();
      return true;
    }
    // Nothing typed is lost: the form keeps its values and shows what to fix.
    this.fieldErrors = errorsByField(result.error.fields);
    this.formError = result.error.fields.length > 0 ? null : result.error;
    return false;
  }

  /** The form's keyring is missing: switch it to an AWS CLI profile, keeping the rest. */
  useAwsCliProfileInstead() {
    this.form.source = "aws_cli";
    this.formError = null;
  }

  async test(name: string) {
    this.testResults[name] = "running";
    const result = await this.#api.testProfile(name);
    this.testResults[name] = result.status === "ok" ? { ok: result.data } : { error: result.error };
  }

  /**
   * Marks a profile read-only, or clears the mark; true when saved (the profile list
   * should then be loaded again). One change per profile at a time.
   */
  async setReadOnly(name: string, readOnly: boolean): Promise<boolean> {
    if (name in this.readOnlyPending) return false;
    this.readOnlyPending[name] = readOnly;
    delete this.readOnlyErrors[name];
    const result = await this.#api.setProfileReadOnly(name, readOnly);
    delete this.readOnlyPending[name];
    if (result.status === "ok") return true;
    this.readOnlyErrors[name] = result.error;
    return false;
  }

  /** Whether the toggle shows the profile read-only: the value asked for while saving. */
  showsReadOnly(profile: ProfileSummary): boolean {
    return this.readOnlyPending[profile.name] ?? profile.read_only;
  }

  /** Removes a profile; true when removed. */
  async remove(name: string): Promise<boolean> {
    const result = await this.#api.removeProfile(name);
    if (result.status === "ok") {
      delete this.testResults[name];
      delete this.readOnlyErrors[name];
      return true;
    }
    this.testResults[name] = { error: result.error };
    return false;
  }

  #open(editing: string, form: ProfileForm) {
    this.editing = editing;
    this.form = form;
    this.fieldErrors = {};
    this.formError = null;
  }
}
