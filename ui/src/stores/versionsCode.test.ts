import { describe, expect, it, vi } from "vitest";
import type { Answer } from "../lib/api";
import type {
  AliasEdit,
  AliasInfo,
  CodeDeployed,
  CodeDownloaded,
  CodeProgress,
  FunctionDetails,
  VersionInfo,
} from "../lib/bindings";
import { deferred, fail, ok } from "./fakes";
import {
  VersionsCodeStore,
  describeAliasRouting,
  describeDeploy,
  describeDownload,
  type PaneLink,
  type VersionsCodeApi,
} from "./versionsCode.svelte";

const AT = "2026-11-28T10:00:00Z";

function version(v: string, description: string | null = null): VersionInfo {
  return { version: v, description, last_modified: "2026-11-01T10:00:00.000+0000", runtime: "python3.12", code_sha256: null };
}

function alias(name: string, functionVersion: string, extra?: [string, number]): AliasInfo {
  return {
    name,
    function_version: functionVersion,
    description: null,
    additional_version_weights: extra ? [{ version: extra[0], weight: extra[1] }] : [],
  };
}

function details(aliases: AliasInfo[] = [alias("live", "1", ["2", 0.2])]): FunctionDetails {
  return {
    function_name: "orders",
    configuration: null,
    aliases: { fetched_at: AT, aliases },
    versions: { fetched_at: AT, versions: [version("$LATEST"), version("1"), version("2")] },
    event_source_mappings: null,
    refresh_errors: [],
  };
}

const invalid = (field: string, message: string): Answer<never> => ({
  status: "error",
  error: { code: "invalid_input", message, fields: [{ field, message }] },
});

const step = (name: string, done: number | null, total: number | null, message = name): CodeProgress => ({
  step: name,
  done,
  total,
  message,
});

const deployed = (overrides: Partial<CodeDeployed> = {}): CodeDeployed => ({
  code_sha256: "abc=",
  code_size: 2048,
  version: null,
  status: "Successful",
  reason: null,
  files: 3,
  ...overrides,
});

/** A fake backend: answers as given, and records what it was sent. */
function fakeApi(overrides: Partial<VersionsCodeApi> = {}) {
  const api = {
    publishVersion: vi.fn(async (_fn: string, description: string) => ok(version("3", description))),
    setAlias: vi.fn(async (_fn: string, edit: AliasEdit) =>
      ok<AliasInfo>({
        name: edit.name,
        function_version: edit.function_version,
        description: edit.description,
        additional_version_weights:
          edit.additional_version === null ? [] : [{ version: edit.additional_version, weight: edit.additional_weight }],
      }),
    ),
    removeAlias: vi.fn(async () => ok(null)),
    deployCode: vi.fn(async (_fn: string, _path: string, publish: boolean, onProgress: (s: CodeProgress) => void) => {
      onProgress(step("zipping", 1, 4));
      onProgress(step("waiting", 2, 0, "Waiting for Lambda…"));
      return ok(deployed({ version: publish ? "4" : null }));
    }),
    downloadCode: vi.fn(async (_fn: string, dir: string, onProgress: (s: CodeProgress) => void) => {
      onProgress(step("downloading", 512, 2048));
      return ok<CodeDownloaded>({ files: 3, bytes: 2048, dir });
    }),
    ...overrides,
  };
  return api;
}

function setup(overrides: Partial<VersionsCodeApi> = {}, readOnly: string | null = null) {
  const api = fakeApi(overrides);
  const pane = {
    current: details() as FunctionDetails | null,
    readOnly,
    reloadDetails: vi.fn(async (_name: string) => {}),
  };
  const link: PaneLink = {
    details: () => pane.current,
    reloadDetails: pane.reloadDetails,
    readOnlyProfile: () => pane.readOnly,
  };
  const store = new VersionsCodeStore(api as unknown as VersionsCodeApi, link);
  store.show("orders");
  return { api, pane, store };
}

describe("publishing a version", () => {
  it("sends the description, shows the new version and reloads the details", async () => {
    const { api, pane, store } = setup();
    store.startPublish();
    store.publishDescription = "release 3";
    expect(await store.publish()).toBe(true);
    expect(api.publishVersion).toHaveBeenCalledWith("orders", "release 3");
    expect(store.published?.version).toBe("3");
    expect(store.publishedExisting).toBe(false);
    expect(store.publishDescription).toBeNull();
    expect(pane.reloadDetails).toHaveBeenCalledWith("orders");
  });

  it("says so when Lambda answers with a version that already existed (nothing changed)", async () => {
    const { store } = setup({ publishVersion: async () => ok(version("1", "first")) });
    store.startPublish();
    store.publishDescription = "again";
    expect(await store.publish()).toBe(true);
    expect(store.published?.version).toBe("1");
    expect(store.publishedExisting).toBe(true);
  });

  it("puts a description error under the input and keeps what was typed", async () => {
    const { pane, store } = setup({ publishVersion: async () => invalid("version.description", "At most 256 characters.") });
    store.startPublish();
    store.publishDescription = "x".repeat(300);
    expect(await store.publish()).toBe(false);
    expect(store.publishErrors["version.description"]).toBe("At most 256 characters.");
    expect(store.publishError).toBeNull();
    expect(store.publishDescription).toBe("x".repeat(300));
    expect(pane.reloadDetails).not.toHaveBeenCalled();
  });
});

describe("aliases", () => {
  it("describe their routing, weighted ones with the extra version's share", () => {
    expect(describeAliasRouting(alias("live", "1", ["2", 0.2]))).toBe("1, 20% to 2");
    expect(describeAliasRouting(alias("all-in", "1", ["2", 1]))).toBe("1, 100% to 2");
    expect(describeAliasRouting(alias("canary", "3", ["4", 0.07]))).toBe("3, 7% to 4");
    expect(describeAliasRouting(alias("dev", "$LATEST"))).toBe("$LATEST");
  });

  it("are created weighted with the percent sent as a 0–1 weight", async () => {
    const { api, pane, store } = setup();
    store.startNewAlias();
    expect(store.aliasForm?.version).toBe("2"); // the newest published version
    Object.assign(store.aliasForm!, { name: "beta", version: "1", weighted: true, additionalVersion: "2", weightPercent: 20 });
    expect(store.primaryShare).toBe("80% to version 1");
    expect(await store.saveAlias()).toBe(true);
    expect(api.setAlias).toHaveBeenCalledWith("orders", {
      name: "beta",
      function_version: "1",
      description: "",
      additional_version: "2",
      additional_weight: 0.2,
    });
    expect(store.aliasForm).toBeNull();
    expect(store.aliasNotice).toBe("Saved alias beta: 1, 20% to 2.");
    expect(pane.reloadDetails).toHaveBeenCalledWith("orders");
  });

  it("send all the traffic to the extra version at 100%", async () => {
    const { api, store } = setup();
    store.startNewAlias();
    Object.assign(store.aliasForm!, { name: "switch", version: "1", weighted: true, additionalVersion: "2", weightPercent: 100 });
    expect(store.primaryShare).toBe("0% to version 1");
    await store.saveAlias();
    expect(vi.mocked(api.setAlias).mock.calls[0][1].additional_weight).toBe(1);
    expect(store.aliasNotice).toBe("Saved alias switch: 1, 100% to 2.");
  });

  it("refuse a weight outside 0–100 percent before sending, speaking percent", async () => {
    const { api, store } = setup();
    store.startNewAlias();
    Object.assign(store.aliasForm!, { name: "beta", weighted: true, additionalVersion: "1", weightPercent: 150 });
    expect(store.primaryShare).toBeNull();
    expect(await store.saveAlias()).toBe(false);
    expect(store.aliasErrors["alias.additional_weight"]).toMatch(/percentage from 0 to 100/);
    expect(api.setAlias).not.toHaveBeenCalled();
    expect(store.aliasForm?.weightPercent).toBe(150);
  });

  it("are edited under their own name, the weight shown in percent, routing cleared when unticked", async () => {
    const { api, store } = setup();
    store.startEditAlias("live");
    expect(store.aliasForm).toMatchObject({ editing: true, name: "live", version: "1", weighted: true, additionalVersion: "2", weightPercent: 20 });
    store.aliasForm!.weighted = false;
    store.aliasForm!.version = "2";
    await store.saveAlias();
    expect(api.setAlias).toHaveBeenCalledWith("orders", {
      name: "live",
      function_version: "2",
      description: "",
      additional_version: null,
      additional_weight: null,
    });
  });

  it("never replace an existing alias from the New alias form", async () => {
    const { api, store } = setup();
    store.startNewAlias();
    store.aliasForm!.name = "live";
    expect(await store.saveAlias()).toBe(false);
    expect(store.aliasErrors["alias.name"]).toMatch(/exists/);
    expect(api.setAlias).not.toHaveBeenCalled();
  });

  it("show each field's error under its input, others on one line, nothing typed lost", async () => {
    const { store } = setup({
      setAlias: async () => ({
        status: "error",
        error: {
          code: "invalid_input",
          message: "Fix the alias.",
          fields: [
            { field: "alias.name", message: "An alias name may hold letters, digits, - and _ only." },
            { field: "alias.additional_version", message: "The additional version must differ from the alias's version." },
            { field: "alias.description", message: "At most 256 characters." },
            { field: "alias.routing", message: "Something else." },
          ],
        },
      }),
    });
    store.startNewAlias();
    Object.assign(store.aliasForm!, { name: "live.v2", description: "d", weighted: true, additionalVersion: "2", weightPercent: 10 });
    expect(await store.saveAlias()).toBe(false);
    expect(store.aliasErrors).toEqual({
      "alias.name": "An alias name may hold letters, digits, - and _ only.",
      "alias.additional_version": "The additional version must differ from the alias's version.",
      "alias.description": "At most 256 characters.",
    });
    expect(store.aliasError?.message).toBe("Something else.");
    expect(store.aliasForm).toMatchObject({ name: "live.v2", description: "d", weightPercent: 10 });
  });

  it("are deleted only once confirmed", async () => {
    const { api, pane, store } = setup();
    store.askDeleteAlias("live");
    expect(api.removeAlias).not.toHaveBeenCalled();
    expect(store.deletingAlias).toBe("live");
    expect(await store.confirmDeleteAlias()).toBe(true);
    expect(api.removeAlias).toHaveBeenCalledWith("orders", "live");
    expect(store.deletingAlias).toBeNull();
    expect(pane.reloadDetails).toHaveBeenCalledWith("orders");

    store.askDeleteAlias("live");
    store.cancelDeleteAlias();
    expect(await store.confirmDeleteAlias()).toBe(false);
    expect(api.removeAlias).toHaveBeenCalledTimes(1);
  });
});

describe("deploying code", () => {
  it("reports progress, then the result with the published version, and reloads the details", async () => {
    const seen: (CodeProgress | null)[] = [];
    const { pane, store } = setup({
      deployCode: async (_fn, _path, _publish, onProgress) => {
        onProgress(step("zipping", 1, 4));
        seen.push(store.deployProgress);
        onProgress(step("waiting", 2, 0, "Waiting for Lambda…"));
        seen.push(store.deployProgress);
        expect(store.deploying).toBe(true);
        return ok(deployed({ version: "4", code_size: 1536 }));
      },
    });
    store.deployPath = "/src/orders";
    store.deployPublish = true;
    expect(await store.deploy()).toBe(true);
    expect(seen.map((s) => s?.step)).toEqual(["zipping", "waiting"]);
    expect(store.deployProgress?.message).toBe("Waiting for Lambda…");
    expect(store.deploying).toBe(false);
    expect(describeDeploy(store.deployResult!)).toBe("Deployed 3 files (1.5 KB), Successful, published version 4");
    expect(pane.reloadDetails).toHaveBeenCalledWith("orders");
  });

  it("sends the trimmed path and the publish choice", async () => {
    const { api, store } = setup();
    store.deployPath = " /src/orders.zip ";
    await store.deploy();
    expect(api.deployCode).toHaveBeenCalledWith("orders", "/src/orders.zip", false, expect.any(Function));
    expect(describeDeploy(store.deployResult!)).toBe("Deployed 3 files (2.0 KB), Successful");
  });

  it("keeps a Failed update's reason", async () => {
    const { store } = setup({
      deployCode: async () => ok(deployed({ status: "Failed", reason: "Handler not found." })),
    });
    store.deployPath = "/src/orders";
    expect(await store.deploy()).toBe(false);
    expect(store.deployResult).toMatchObject({ status: "Failed", reason: "Handler not found." });
  });

  it("puts a path error under the path input and keeps the path", async () => {
    const { pane, store } = setup({ deployCode: async () => invalid("path", "There is no file or folder at /nope.") });
    store.deployPath = "/nope";
    expect(await store.deploy()).toBe(false);
    expect(store.deployErrors.path).toBe("There is no file or folder at /nope.");
    expect(store.deployError).toBeNull();
    expect(store.deployPath).toBe("/nope");
    expect(pane.reloadDetails).not.toHaveBeenCalled();
  });

  it("drops the answer of a deploy started for another function", async () => {
    const answer = deferred<Answer<CodeDeployed>>();
    const { pane, store } = setup({ deployCode: () => answer.promise });
    store.deployPath = "/src/orders";
    const deploying = store.deploy();
    store.show("payments");
    answer.resolve(ok(deployed()));
    expect(await deploying).toBe(false);
    expect(store.deployResult).toBeNull();
    expect(store.deploying).toBe(false);
    expect(pane.reloadDetails).not.toHaveBeenCalled();
  });
});

describe("downloading code", () => {
  it("reports progress and where the files went", async () => {
    const { api, store } = setup();
    store.downloadDir = "/tmp/orders-code";
    expect(await store.download()).toBe(true);
    expect(api.downloadCode).toHaveBeenCalledWith("orders", "/tmp/orders-code", expect.any(Function));
    expect(store.downloadProgress).toMatchObject({ done: 512, total: 2048 });
    expect(describeDownload(store.downloadResult!)).toBe("Downloaded 3 files to /tmp/orders-code");
  });

  it("puts a folder error under the folder input", async () => {
    const { store } = setup({ downloadCode: async () => invalid("dir", "/tmp/full is not empty.") });
    store.downloadDir = "/tmp/full";
    expect(await store.download()).toBe(false);
    expect(store.downloadErrors.dir).toBe("/tmp/full is not empty.");
  });
});

describe("a read-only profile", () => {
  it("disables every write, with the reason, and leaves downloading allowed", async () => {
    const { api, store } = setup({}, "prod");
    expect(store.writeBlocked).toBe('Profile "prod" is read-only.');
    store.startPublish();
    store.startNewAlias();
    store.startEditAlias("live");
    store.askDeleteAlias("live");
    expect([store.publishDescription, store.aliasForm, store.deletingAlias]).toEqual([null, null, null]);
    store.deployPath = "/src/orders";
    expect(await store.deploy()).toBe(false);
    expect(api.deployCode).not.toHaveBeenCalled();
    store.downloadDir = "/tmp/orders-code";
    expect(await store.download()).toBe(true);
  });

  it("shows the message of a write refused anyway", async () => {
    const { store } = setup({ deployCode: async () => fail("read_only", 'Profile "prod" is read-only: nothing was sent.') });
    store.deployPath = "/src/orders";
    await store.deploy();
    expect(store.deployError).toMatchObject({ code: "read_only", message: 'Profile "prod" is read-only: nothing was sent.' });
    expect(store.deployErrors).toEqual({});
  });
});
