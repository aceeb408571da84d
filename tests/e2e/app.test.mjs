// End-to-end: the real Lambda Deck window, driven through tauri-driver + WebKitWebDriver,
// against a seeded local AWS. Each step saves a screenshot in tests/e2e/screenshots/.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchApp, saveScreenshot, selectedValue, startLocalAws } from "./harness.mjs";

const DEMO_FUNCTION_COUNT = 64;

describe("main window on the demo account", { timeout: 240_000 }, () => {
  let localAws;
  let app;

  before(async () => {
    localAws = await startLocalAws({ seed: "demo" });
    app = await launchApp(localAws.env);
  });

  after(async () => {
    await app?.stop();
    await localAws?.stop();
  });

  it("lists every function of the active profile with its columns", async () => {
    const { session } = app;
    const count = await session.waitFor("the function count", async () => {
      const [element] = await session.findAll("[data-testid=function-count]");
      return element ? element.text() : null;
    });
    assert.equal(count, `${DEMO_FUNCTION_COUNT} functions`);
    const rows = await session.findAll("[data-testid=function-row]");
    assert.equal(rows.length, DEMO_FUNCTION_COUNT);

    assert.equal(await selectedValue(session, "[data-testid=profile-select]"), "local-demo");
    assert.equal(await selectedValue(session, "[data-testid=region-select]"), "us-east-1");
    assert.match(await (await session.find("[data-testid=endpoint]")).text(), /^http:\/\/127\.0\.0\.1:\d+$/);

    const paymentsApi = await session.find('[data-testid=function-row][data-name="payments-api"]');
    const cells = await paymentsApi.textContent();
    assert.match(cells, /payments-api/);
    assert.match(cells, /python3\.12/);
    assert.match(cells, /\d+ (MB|GB)/);
    assert.match(cells, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await saveScreenshot(session, "01-demo-function-list");
  });

  it("narrows the list by search and shows the selected function", async () => {
    const { session } = app;
    const search = await session.find("[data-testid=search]");
    await search.type("payments");
    const names = await session.waitFor("the filtered list", async () => {
      const rows = await session.findAll("[data-testid=function-row]");
      return rows.length === 8 ? Promise.all(rows.map((row) => row.attribute("data-name"))) : null;
    });
    assert.ok(names.every((name) => name.startsWith("payments-")), names.join(", "));

    await (await session.find('[data-testid=function-row][data-name="payments-worker"]')).click();
    const overview = await session.waitFor("the overview", async () => {
      const [element] = await session.findAll("[data-testid=function-overview]");
      return element ? element.text() : null;
    });
    assert.match(overview, /payments-worker/);
    assert.match(overview, /Consumes jobs from the SQS queue/);
    assert.match(overview, /arn:aws:lambda:us-east-1:000000000000:function:payments-worker/);
    await saveScreenshot(session, "02-search-and-select");
    await search.clear();
  });
});

describe("main window when AWS cannot be reached", { timeout: 120_000 }, () => {
  let app;

  before(async () => {
    // Port 9 (discard) on loopback: nothing listens there, so the connection is refused.
    app = await launchApp({
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIAE2ETESTEXAMPLE00",
      AWS_SECRET_ACCESS_KEY: "e2e-secret-not-used",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    });
  });

  after(async () => {
    await app?.stop();
  });

  it("says plainly that the endpoint is unreachable and offers a retry", async () => {
    const { session } = app;
    const error = await session.waitFor("the error line", async () => {
      const [element] = await session.findAll("[data-testid=error]");
      return element ?? null;
    }, 60_000);
    assert.equal(await error.attribute("data-code"), "network");
    const text = await error.text();
    assert.match(text, /Cannot reach AWS at http:\/\/127\.0\.0\.1:9/);
    assert.match(text, /retry/i);
    assert.equal((await session.findAll("[data-testid=function-row]")).length, 0);
    await saveScreenshot(session, "03-endpoint-unreachable");
  });
});
