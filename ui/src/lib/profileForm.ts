// The profile form's state and its mapping to the save command's input.
import type { CredentialSource, FieldError, ProfileInput, ProfileSummary } from "./bindings";

export type ProfileForm = {
  name: string;
  region: string;
  endpoint_url: string;
  source: CredentialSource;
  aws_cli_profile: string;
  access_key_id: string;
  secret_access_key: string;
  session_token: string;
};

export function emptyForm(region = "us-east-1"): ProfileForm {
  return {
    name: "",
    region,
    endpoint_url: "",
    source: "keyring",
    aws_cli_profile: "",
    access_key_id: "",
    secret_access_key: "",
    session_token: "",
  };
}

/** An existing profile in the form. Keys are never shown: blank fields keep them. */
export function formFor(profile: ProfileSummary): ProfileForm {
  return {
    ...emptyForm(profile.region ?? "us-east-1"),
    name: profile.name,
    endpoint_url: profile.endpoint_url ?? "",
    source: profile.source,
    aws_cli_profile: profile.aws_cli_profile ?? "",
  };
}

export function toInput(form: ProfileForm): ProfileInput {
  const blankToNull = (value: string) => (value.trim() === "" ? null : value);
  const keys = form.source === "keyring";
  return {
    name: form.name,
    region: form.region,
    endpoint_url: blankToNull(form.endpoint_url),
    source: form.source,
    aws_cli_profile: form.source === "aws_cli" ? blankToNull(form.aws_cli_profile) : null,
    access_key_id: keys ? blankToNull(form.access_key_id) : null,
    secret_access_key: keys ? blankToNull(form.secret_access_key) : null,
    session_token: keys ? blankToNull(form.session_token) : null,
  };
}

/** Field errors by field name, for showing each next to its input. */
export function errorsByField(fields: FieldError[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.field, f.message]));
}

/** What "Read-only" means, shown next to the toggle. */
export const READ_ONLY_EXPLANATION =
  "No changes are sent with this profile: configuration, code, versions and aliases are locked.";

/** Whether the profile `name` is marked read-only, as far as the listed profiles say. */
export function isReadOnly(profiles: ProfileSummary[], name: string | null | undefined): boolean {
  return profiles.some((p) => p.name === name && p.read_only);
}

/** A profile's label in the profile picker: its name, and whether it is read-only. */
export function profileLabel(profiles: ProfileSummary[], name: string): string {
  return isReadOnly(profiles, name) ? `${name} (read-only)` : name;
}
