import { describe, expect, it, vi } from "vitest";
import type { ProfileSummary } from "../lib/bindings";
import { deferred, fail, ok } from "./fakes";
import { ProfileFormStore } from "./profileForm.svelte";

describe("the profile form", () => {
  it("puts each error at its field and keeps what was typed", async () => {
    const api = {
      saveProfile: vi.fn(async () => ({
        status: "error" as const,
        error: {
          code: "invalid_input" as const,
          message: "…",
          fields: [{ field: "region", message: '"moon-1" is not an AWS region (e.g. eu-west-1).' }],
        },
      })),
    };
    const store = new ProfileFormStore(api as never);
    store.startAdd();
    store.form.name = "work";
    store.form.region = "moon-1";
    expect(await store.save()).toBe(false);
    expect(store.fieldErrors).toEqual({ region: '"moon-1" is not an AWS region (e.g. eu-west-1).' });
    expect(store.formError).toBeNull();
    expect([store.editing, store.form.name, store.form.region]).toEqual(["", "work", "moon-1"]);
  });

  it("shows a keyring error on the form and offers an AWS CLI profile instead", async () => {
    const api = { saveProfile: vi.fn(async () => fail("keyring_unavailable", "No system keyring is available.")) };
    const store = new ProfileFormStore(api as never);
    store.startAdd();
    store.form.name = "laptop";
    await store.save();
    expect(store.formError?.code).toBe("keyring_unavailable");
    store.useAwsCliProfileInstead();
    expect([store.form.source, store.form.name, store.formError]).toEqual(["aws_cli", "laptop", null]);
  });

  it("saves a new profile with null as the original name, then closes the form", async () => {
    const api = { saveProfile: vi.fn(async (_original: string | null) => ok({})) };
    const store = new ProfileFormStore(api as never);
    store.startAdd();
    expect(await store.save()).toBe(true);
    expect(api.saveProfile.mock.calls[0][0]).toBeNull();
    expect(store.editing).toBeNull();
  });

  it("reports a test connection per profile", async () => {
    const api = {
      testProfile: vi.fn(async (name: string) =>
        name === "good" ? ok({ account: "000000000000", arn: "arn", region: "us-east-1" }) : fail("credentials"),
      ),
    };
    const store = new ProfileFormStore(api as never);
    await Promise.all([store.test("good"), store.test("bad")]);
    expect(store.testResults.good).toEqual({ ok: { account: "000000000000", arn: "arn", region: "us-east-1" } });
    expect(store.testResults.bad).toMatchObject({ error: { code: "credentials" } });
  });

  describe("read-only marks", () => {
    const profile = (read_only: boolean): ProfileSummary => ({
      name: "prod",
      source: "aws_cli",
      aws_cli_profile: "prod",
      region: "eu-west-1",
      endpoint_url: null,
      key_id_hint: null,
      has_session_token: false,
      editable: false,
      read_only,
    });

    it("shows the value asked for while saving, then what the list says", async () => {
      const answer = deferred<ReturnType<typeof ok>>();
      const api = { setProfileReadOnly: vi.fn(() => answer.promise) };
      const store = new ProfileFormStore(api as never);

      const saving = store.setReadOnly("prod", true);

      expect(api.setProfileReadOnly).toHaveBeenCalledWith("prod", true);
      expect(store.showsReadOnly(profile(false))).toBe(true);
      expect("prod" in store.readOnlyPending).toBe(true);
      answer.resolve(ok(profile(true)));
      expect(await saving).toBe(true);
      expect(store.readOnlyPending).toEqual({});
      expect(store.showsReadOnly(profile(true))).toBe(true);
      expect(store.showsReadOnly(profile(false))).toBe(false);
    });

    it("sends one change per profile at a time", async () => {
      const answer = deferred<ReturnType<typeof ok>>();
      const api = { setProfileReadOnly: vi.fn(() => answer.promise) };
      const store = new ProfileFormStore(api as never);
      const first = store.setReadOnly("prod", true);
      expect(await store.setReadOnly("prod", false)).toBe(false);
      answer.resolve(ok(profile(true)));
      await first;
      expect(api.setProfileReadOnly).toHaveBeenCalledTimes(1);
    });

    it("keeps the saved value and says why when the change fails, until the next try", async () => {
      const api = {
        setProfileReadOnly: vi
          .fn()
          .mockResolvedValueOnce(fail("configuration", 'There is no profile named "prod".'))
          .mockResolvedValueOnce(ok(profile(true))),
      };
      const store = new ProfileFormStore(api as never);

      expect(await store.setReadOnly("prod", true)).toBe(false);

      expect(store.showsReadOnly(profile(false))).toBe(false);
      expect(store.readOnlyErrors.prod).toMatchObject({ code: "configuration", message: 'There is no profile named "prod".' });
      expect(await store.setReadOnly("prod", true)).toBe(true);
      expect(store.readOnlyErrors).toEqual({});
    });
  });
});
