import { describe, expect, it } from "vitest";
import type { ProfileSummary } from "./bindings";
import { emptyForm, errorsByField, formFor, isReadOnly, profileLabel, toInput } from "./profileForm";

describe("profile form", () => {
  it("sends keys only for keyring profiles and blanks as null", () => {
    const form = { ...emptyForm(), name: "work", access_key_id: "AKIAX", secret_access_key: "s3cret", source: "aws_cli" as const, aws_cli_profile: "dev" };
    const input = toInput(form);
    expect(input.secret_access_key).toBeNull();
    expect(input.access_key_id).toBeNull();
    expect(input.aws_cli_profile).toBe("dev");
    expect(input.endpoint_url).toBeNull();
    expect(toInput({ ...form, source: "keyring" }).secret_access_key).toBe("s3cret");
  });

  it("never puts stored keys back into the form", () => {
    const profile: ProfileSummary = {
      name: "work",
      source: "keyring",
      aws_cli_profile: null,
      region: "eu-west-1",
      endpoint_url: null,
      key_id_hint: "…MPLE",
      has_session_token: true,
      editable: true,
      read_only: false,
    };
    const form = formFor(profile);
    expect(form.access_key_id).toBe("");
    expect(form.secret_access_key).toBe("");
    expect(form.region).toBe("eu-west-1");
  });

  it("indexes field errors by field", () => {
    expect(errorsByField([{ field: "name", message: "Enter a profile name." }])).toEqual({ name: "Enter a profile name." });
  });

  it("marks read-only profiles in the picker, by name", () => {
    const profile = (name: string, read_only: boolean): ProfileSummary => ({
      name,
      source: "aws_cli",
      aws_cli_profile: name,
      region: "eu-west-1",
      endpoint_url: null,
      key_id_hint: null,
      has_session_token: false,
      editable: false,
      read_only,
    });
    const profiles = [profile("prod", true), profile("dev", false)];
    expect([isReadOnly(profiles, "prod"), isReadOnly(profiles, "dev"), isReadOnly(profiles, "gone")]).toEqual([true, false, false]);
    expect(isReadOnly(profiles, null)).toBe(false);
    expect([profileLabel(profiles, "prod"), profileLabel(profiles, "dev")]).toEqual(["prod (read-only)", "dev"]);
  });
});
