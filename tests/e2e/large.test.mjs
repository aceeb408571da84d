// End-to-end: 10,000 saved functions in the real window. The list appears from the local
// store without AWS (the endpoint refuses connections), stays virtualized, searches and
// scrolls to the end.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { unreachableAwsEnv, launchApp, msUntilInPage, saveScreenshot, seedSavedFunctions } from "./harness.mjs";

const COUNT = 10_000;

describe("10,000 saved functions", { timeout: 180_000 }, () => {
  let app;
  let startupMs;

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lambda-deck-e2e-large-"));
    seedSavedFunctions(dataDir, { profile: "default", region: "eu-west-1", functions: COUNT });
    app = await launchApp({ ...unreachableAwsEnv("eu-west-1"), LDECK_DATA_DIR: dataDir });
    startupMs = await msUntilInPage(
      app,
      `() => document.querySelector("[data-testid=function-count]")?.textContent === "${COUNT} functions"
             && document.querySelector("[data-testid=function-row]")`,
    );
  });

  after(async () => {
    await app?.stop();
  });

  it("shows the saved list at start, with only the visible rows in the page", async () => {
    const { session } = app;
    console.log(`app start to ${COUNT} saved functions on screen: ${startupMs} ms`);
    // The first screen arrives first, the whole list right after.
    await session.waitFor("the whole list", async () =>
      (await (await session.find("[data-testid=function-list]")).attribute("data-count")) === String(COUNT) || null,
    );
    const rendered = (await session.findAll("[data-testid=function-row]")).length;
    assert.ok(rendered > 10 && rendered < 100, `${rendered} rows in the DOM for ${COUNT} functions`);
    await saveScreenshot(session, "20-ten-thousand-functions");
  });

  it("searches all of them at once", async () => {
    const { session } = app;
    await (await session.find("[data-testid=search]")).type("search webhook arch:arm64");
    const shown = await session.waitFor("the match count", async () => {
      const [element] = await session.findAll("[data-testid=match-count]");
      return element ? element.text() : null;
    });
    // Synthetic function i has team i % 8, role ⌊i / 8⌋ % 8 and arm64 when i % 4 is 0
    // (devtools/src/synthetic.rs): search is team 4, webhook role 5.
    const expected = [...Array(COUNT).keys()].filter((i) => i % 8 === 4 && Math.floor(i / 8) % 8 === 5 && i % 4 === 0);
    assert.ok(expected.length > 10);
    assert.equal(shown, `${expected.length} shown`);
    await saveScreenshot(session, "21-ten-thousand-search");
    await (await session.find("[data-testid=search]")).clear();
  });

  it("scrolls to the last function and reaches it with End", async () => {
    const { session } = app;
    await session.waitFor("the full list again", async () =>
      (await (await session.find("[data-testid=function-list]")).attribute("data-count")) === String(COUNT) || null,
    );
    await session.execute(
      "const viewport = document.querySelector('[data-testid=function-list-viewport]'); viewport.scrollTop = viewport.scrollHeight;",
    );
    const last = await session.waitFor("the last row", async () => {
      const [row] = await session.findAll('[data-testid=function-row][data-name="search-worker-09996"]');
      return row ?? null;
    });
    assert.ok(await last.text());
    await (await session.find("[data-testid=function-list-viewport]")).click();
    await session.keys("\uE011"); // Home
    await session.waitFor("the first row selected", async () => {
      const [row] = await session.findAll("[data-testid=function-row][aria-selected=true]");
      return row && (await row.attribute("data-name")) === "auth-api-00002" ? true : null;
    });
    await session.keys("\uE010"); // End
    await session.waitFor("the last row selected", async () => {
      const [row] = await session.findAll("[data-testid=function-row][aria-selected=true]");
      return row && (await row.attribute("data-name")) === "search-worker-09996" ? true : null;
    });
    await saveScreenshot(session, "22-ten-thousand-end");
  });
});
