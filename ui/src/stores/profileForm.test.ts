import { describe, expect, it, vi } from "vitest";
import { fail, ok } from "./fakes";
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
});
