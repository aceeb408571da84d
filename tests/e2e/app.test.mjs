// End-to-end: the real Lambda Deck window, driven through tauri-driver + WebKitWebDriver,
// against a seeded local AWS. Each step saves a screenshot in tests/e2e/screenshots/.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { launchApp, saveScreenshot, selectedValue, sleep, startLocalAws, unreachableAwsEnv } from "./harness.mjs";

const DEMO_FUNCTION_COUNT = 64;

/** The names of the rows the list has rendered (it renders only what is in view). */
async function renderedNames(session) {
  return session.execute(
    "return [...document.querySelectorAll('[data-testid=function-row]')].map((row) => row.dataset.name)",
  );
}

describe("main window on the demo account", { timeout: 240_000 }, () => {
  let localAws;
  let app;
  // "Open in AWS console" goes through xdg-open, which hands it to $BROWSER: this one
  // only writes the address down.
  const scratch = mkdtempSync(join(tmpdir(), "lambda-deck-e2e-browser-"));
  const opened = join(scratch, "opened.txt");
  const browser = join(scratch, "browser.sh");
  writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
  chmodSync(browser, 0o755);

  before(async () => {
    localAws = await startLocalAws({ seed: "demo" });
    app = await launchApp({ ...localAws.env, BROWSER: browser });
  });

  after(async () => {
    await app?.stop();
    await localAws?.stop();
  });

  it("lists every function of the active profile, synced, with its columns", async () => {
    const { session } = app;
    await session.waitFor("the synced state", async () => {
      const [line] = await session.findAll("[data-testid=status-line][data-state=synced]");
      return line ? line.text() : null;
    });
    assert.equal(await (await session.find("[data-testid=function-count]")).text(), `${DEMO_FUNCTION_COUNT} functions`);
    assert.equal(await (await session.find("[data-testid=function-list]")).attribute("data-count"), "64");
    assert.match(await (await session.find("[data-testid=synced]")).text(), /^Synced just now$/);

    assert.equal(await selectedValue(session, "[data-testid=profile-select]"), "local-demo");
    assert.equal(await selectedValue(session, "[data-testid=region-select]"), "us-east-1");
    assert.match(await (await session.find("[data-testid=endpoint]")).text(), /^http:\/\/127\.0\.0\.1:\d+$/);

    const names = await renderedNames(session);
    assert.deepEqual(names, [...names].sort(), "sorted by name");
    const first = await session.find(`[data-testid=function-row][data-name="${names[0]}"]`);
    const cells = await first.textContent();
    assert.match(cells, /(python3\.1[12]|nodejs20\.x)/);
    assert.match(cells, /\d+ (MB|GB)/);
    assert.match(cells, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await saveScreenshot(session, "01-demo-function-list");
  });

  it("sorts by a column header, both ways", async () => {
    const { session } = app;
    const memory = await session.find("[data-testid=sort-memory]");
    await memory.click();
    const memoryOf = async () =>
      session.execute(
        "return [...document.querySelectorAll('[data-testid=function-row]')].map((row) => row.querySelectorAll('[role=gridcell]')[2].textContent)",
      );
    const toMb = (text) => (text.endsWith("GB") ? parseFloat(text) * 1024 : parseFloat(text));
    const ascending = (await memoryOf()).map(toMb);
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    await memory.click();
    const descending = (await memoryOf()).map(toMb);
    assert.deepEqual(descending, [...descending].sort((a, b) => b - a));
    assert.ok(descending[0] > ascending[0]);
    await (await session.find("[data-testid=sort-name]")).click();
  });

  it("narrows the list by search and filter syntax, and flags a mistyped filter", async () => {
    const { session } = app;
    const search = await session.find("[data-testid=search]");
    await search.type("payments runtime:python");
    const names = await session.waitFor("the filtered list", async () => {
      const shown = await renderedNames(session);
      return shown.length > 0 && shown.length < 8 ? shown : null;
    });
    assert.ok(names.every((name) => name.startsWith("payments-")), names.join(", "));
    const chips = await session.findAll("[data-testid=filter-chip]");
    assert.equal(chips.length, 1);
    assert.match(await chips[0].text(), /runtime: python/);
    assert.match(await (await session.find("[data-testid=match-count]")).text(), new RegExp(`^${names.length} shown$`));

    await search.clear();
    await search.type("colour:red");
    const error = await session.waitFor("the search error", async () => {
      const [element] = await session.findAll("[data-testid=search-error]");
      return element ? element.text() : null;
    });
    assert.match(error, /Unknown filter “colour:”/);
    await saveScreenshot(session, "02-search-error");
    await search.clear();
  });

  it("opens a function's details: overview with aliases and weights, configuration with hidden environment", async () => {
    const { session } = app;
    const search = await session.find("[data-testid=search]");
    await search.type("payments-api");
    await (await session.waitFor("the payments-api row", async () => {
      const [row] = await session.findAll('[data-testid=function-row][data-name="payments-api"]');
      return row ?? null;
    })).click();
    const aliases = await session.waitFor("the aliases section", async () => {
      const [section] = await session.findAll("[data-testid=aliases]");
      return section ? section.text() : null;
    });
    assert.match(aliases, /live → version 1 \(90%\), version 2 \(10%\)/);
    assert.match(aliases, /just now/);
    assert.match(await (await session.find("[data-testid=function-details]")).text(), /HTTP API handler/);
    assert.match(await (await session.find("[data-testid=tags]")).text(), /team=payments/);
    assert.match(await (await session.find("[data-testid=versions]")).text(), /\$LATEST/);
    assert.match(await (await session.find("[data-testid=overview-status]")).text(), /State\s*Active/);
    await saveScreenshot(session, "03-function-overview");

    await (await session.find("[data-testid=tab-configuration]")).click();
    const general = await session.waitFor("the configuration tab", async () => {
      const [section] = await session.findAll("[data-testid=general]");
      return section ? section.text() : null;
    });
    assert.match(general, /arn:aws:iam::000000000000:role\/lambda-deck-demo-execution/);

    const [value] = await session.findAll("[data-testid=env-value]");
    assert.equal(await value.text(), "••••••••", "values are hidden until revealed");
    const [reveal] = await session.findAll("[data-testid=env-reveal]");
    await reveal.click();
    await session.waitFor("the revealed value", async () => ((await value.text()) !== "••••••••" ? true : null));
    await saveScreenshot(session, "04-function-configuration");

    await (await session.find("[data-testid=open-console]")).click();
    const address = await session.waitFor("the browser to be handed the address", async () =>
      existsSync(opened) ? readFileSync(opened, "utf8").trim() : null,
    );
    assert.equal(
      address,
      "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/payments-api",
    );
    await search.clear();
  });

  it("moves through the list with the keyboard: / to search, arrows, Enter", async () => {
    const { session } = app;
    await (await session.find("[data-testid=status-line]")).click(); // focus nothing in particular
    await session.keys("/");
    const focused = () => session.execute("return document.activeElement?.dataset.testid ?? null");
    assert.equal(await focused(), "search");
    await session.keys(..."orders");
    await session.keys("\uE015"); // ↓ leaves the search box for the list
    assert.equal(await focused(), "function-list-viewport");
    await session.keys("\uE015", "\uE015"); // two rows down
    await sleep(300);
    const selected = await session.execute(
      "return document.querySelector('[data-testid=function-row][aria-selected=true]')?.dataset.name ?? null",
    );
    const names = await renderedNames(session);
    assert.equal(selected, names[1], `the second of ${names.join(", ")}`);
    await session.keys("\uE007"); // Enter
    await session.waitFor("the details heading to take focus", async () =>
      (await session.execute("return document.activeElement?.tagName")) === "H2" ? true : null,
    );
    assert.equal(await (await session.find("[data-testid=function-details]")).attribute("data-name"), selected);
  });
});

describe("main window when AWS cannot be reached", { timeout: 120_000 }, () => {
  let app;

  before(async () => {
    app = await launchApp(unreachableAwsEnv("eu-west-1"));
  });

  after(async () => {
    await app?.stop();
  });

  it("says plainly that it is offline with nothing saved yet, and offers a retry", async () => {
    const { session } = app;
    const error = await session.waitFor("the error line", async () => {
      const [element] = await session.findAll("[data-testid=error]");
      return element ?? null;
    }, 60_000);
    assert.equal(await error.attribute("data-code"), "network");
    assert.equal(await (await session.find("[data-testid=status-line]")).attribute("data-state"), "offline");
    const text = await error.text();
    assert.match(text, /^Offline — nothing saved for this profile yet/);
    assert.match(text, /Cannot reach AWS at http:\/\/127\.0\.0\.1:9/);
    assert.equal((await session.findAll("[data-testid=retry]")).length, 1);
    assert.equal((await session.findAll("[data-testid=function-row]")).length, 0);
    await saveScreenshot(session, "05-endpoint-unreachable");
  });
});
