// End-to-end: offline first. The window shows the saved list and details when AWS is gone
// (also right after a restart), says so plainly, and recovers when AWS comes back. AWS
// "goes away" by closing the port the app talks to (a loopback proxy in front of the
// local AWS), exactly what the app sees when the network is down.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { launchApp, openFunction, saveScreenshot, startLocalAws, startProxy } from "./harness.mjs";

const DEMO_FUNCTION_COUNT = 64;

async function statusState(session) {
  return (await session.find("[data-testid=status-line]")).attribute("data-state");
}

async function waitForState(session, state, timeoutMs = 60_000) {
  return session.waitFor(`the status line to be ${state}`, async () => {
    const [line] = await session.findAll(`[data-testid=status-line][data-state=${state}]`);
    return line ? line.text() : null;
  }, timeoutMs);
}

describe("offline first", { timeout: 300_000 }, () => {
  let localAws;
  let proxy;
  let app;
  const dataDir = mkdtempSync(join(tmpdir(), "lambda-deck-e2e-offline-"));
  let appEnv;

  before(async () => {
    localAws = await startLocalAws({ seed: "demo" });
    proxy = await startProxy(localAws.env.LDECK_LOCAL_AWS_ENDPOINT);
    // AWS_ENDPOINT_URL wins over the profile's endpoint, as with the AWS CLI.
    appEnv = { ...localAws.env, AWS_ENDPOINT_URL: proxy.url, LDECK_DATA_DIR: dataDir };
    app = await launchApp(appEnv);
  });

  after(async () => {
    await app?.stop();
    await proxy?.stop();
    await localAws?.stop();
  });

  it("syncs online and keeps the details of a function it opened", async () => {
    const { session } = app;
    await waitForState(session, "synced");
    assert.equal(await (await session.find("[data-testid=function-count]")).text(), `${DEMO_FUNCTION_COUNT} functions`);
    await openFunction(session, "payments-api");
    await session.waitFor("the aliases", async () => (await session.findAll("[data-testid=aliases]")).length || null);
    await saveScreenshot(session, "10-online-synced");
  });

  it("shows a refresh in progress with its count, then synced", async () => {
    const { session } = app;
    proxy.setLatency(1500);
    await (await session.find("[data-testid=refresh]")).click();
    const progress = await session.waitFor("a page of progress", async () => {
      const [element] = await session.findAll("[data-testid=sync-progress]");
      const text = element ? await element.text() : "";
      return /\d+ functions/.test(text) ? text : null;
    });
    assert.match(progress, /^Refreshing… 50 functions/);
    await saveScreenshot(session, "11-refreshing");
    proxy.setLatency(0);
    await waitForState(session, "synced");
  });

  it("keeps the list when AWS goes away and says it is offline", async () => {
    const { session } = app;
    await proxy.cut();
    await (await session.find("[data-testid=refresh]")).click();
    const text = await waitForState(session, "offline");
    assert.match(text, /^Offline — showing data from \d{2}:\d{2}/);
    assert.equal(await (await session.find("[data-testid=function-count]")).text(), `${DEMO_FUNCTION_COUNT} functions`);
    assert.ok((await session.findAll("[data-testid=function-row]")).length > 0);
    await saveScreenshot(session, "12-offline");
  });

  it("opens offline after a restart: the saved list first, saved details with their age", async () => {
    await app.stop();
    app = await launchApp(appEnv);
    const { session } = app;
    // The saved list is on screen whatever the network does…
    await session.waitFor("the saved list", async () => {
      const [count] = await session.findAll("[data-testid=function-count]");
      return count && (await count.text()) === `${DEMO_FUNCTION_COUNT} functions` ? true : null;
    });
    // …and the refresh that follows fails plainly.
    await waitForState(session, "offline");
    await openFunction(session, "payments-api");
    const aliases = await session.waitFor("the saved aliases", async () => {
      const [section] = await session.findAll("[data-testid=aliases]");
      return section ? section.text() : null;
    });
    assert.match(aliases, /live → version 1 \(90%\), version 2 \(10%\)/);
    assert.match(aliases, /(just now|\d+ min ago)/, "a saved section shows its age");
    const error = await session.waitFor("the details refresh error", async () => {
      const [element] = await session.findAll("[data-testid=details-error]");
      return element ?? null;
    });
    assert.equal(await error.attribute("data-code"), "network");
    assert.match(await error.text(), /Showing the saved details\./);
    await saveScreenshot(session, "13-offline-after-restart");
  });

  it("switching region and back while offline shows each one's saved state at once", async () => {
    const { session } = app;
    const switchRegion = (region) =>
      session.execute(
        `const select = document.querySelector("[data-testid=region-select]");
         select.value = arguments[0];
         select.dispatchEvent(new Event("change", { bubbles: true }));
         return true;`,
        [region],
      );
    await switchRegion("eu-west-1");
    const nothing = await session.waitFor("the empty eu-west-1 state", async () => {
      const text = await (await session.find("[data-testid=status-line]")).text();
      return /^Offline — nothing saved for this profile yet/.test(text) ? text : null;
    }, 60_000);
    assert.match(nothing, /0 functions/);

    await switchRegion("us-east-1");
    await session.waitFor("the saved us-east-1 list", async () => {
      const [count] = await session.findAll("[data-testid=function-count]");
      return count && (await count.text()) === `${DEMO_FUNCTION_COUNT} functions` ? true : null;
    });
    assert.match(await waitForState(session, "offline"), /^Offline — showing data from \d{2}:\d{2}/);
    // A switch clears the selection; open the function again for the recovery below.
    await openFunction(session, "payments-api");
    await session.waitFor("the saved details, not refreshed", async () =>
      (await session.findAll("[data-testid=details-error]")).length || null,
    );
  });

  it("recovers when AWS comes back", async () => {
    const { session } = app;
    await proxy.restore();
    await (await session.find("[data-testid=retry]")).click();
    await waitForState(session, "synced");
    assert.equal(await statusState(session), "synced");
    assert.equal(await (await session.find("[data-testid=function-count]")).text(), `${DEMO_FUNCTION_COUNT} functions`);
    // The details recover with the list: refreshed, with no error left.
    await session.waitFor("the details refreshed", async () =>
      (await (await session.find("[data-testid=details-state]")).text()) === "" ? true : null,
    );
    assert.equal((await session.findAll("[data-testid=details-error]")).length, 0);
    await saveScreenshot(session, "14-recovered");
  });
});
