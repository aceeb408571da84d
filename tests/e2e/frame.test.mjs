// End-to-end: the frame every capability plugs into, in the real window against the demo
// account — function tabs that keep their state, the command palette, the dark theme,
// keyboard reach, and Settings → Local data. One app launch for all of it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { chord, CONTROL, launchApp, openFunction, saveScreenshot, selectedValue, sleep, startLocalAws } from "./harness.mjs";

const DEMO_FUNCTION_COUNT = 64;

/** The pane's state as the user sees it: function, tab, scroll, revealed values. */
function paneState(session) {
  return session.execute(`
    const panel = document.querySelector("[data-testid=tab-panel]");
    return {
      name: document.querySelector("[data-testid=function-details]")?.dataset.name ?? null,
      tab: panel?.dataset.tab ?? null,
      scrollTop: panel ? Math.round(panel.scrollTop) : null,
      revealed: [...document.querySelectorAll("[data-testid=env-value]")]
        .filter((cell) => cell.textContent.trim() !== "••••••••")
        .map((cell) => cell.dataset.name),
      hash: location.hash,
    };`);
}

async function openPalette(session) {
  await chord(session, CONTROL, "k");
  return session.waitFor("the palette", async () => {
    const [input] = await session.findAll("[data-testid=palette-input]");
    return input ?? null;
  });
}

async function paletteTitles(session) {
  return session.execute(
    "return [...document.querySelectorAll('[data-testid=palette-item] .title')].map((t) => t.textContent)",
  );
}

describe("the frame: tabs, palette, theme, keyboard, local data", { timeout: 300_000 }, () => {
  let localAws;
  let app;

  before(async () => {
    localAws = await startLocalAws({ seed: "demo" });
    app = await launchApp(localAws.env);
    await app.session.waitFor("the synced list", async () => {
      const [line] = await app.session.findAll("[data-testid=status-line][data-state=synced]");
      return line ?? null;
    }, 60_000);
  });

  after(async () => {
    await app?.stop();
    await localAws?.stop();
  });

  it("keeps each function's tab, scroll position and revealed values across switches", async () => {
    const { session } = app;
    await openFunction(session, "payments-api");
    assert.equal((await paneState(session)).tab, "overview", "a function opens on Overview");
    await chord(session, CONTROL, "2");
    await session.waitFor("the Configuration tab", async () => (await paneState(session)).tab === "configuration" || null);
    await session.waitFor("the environment", async () => (await session.findAll("[data-testid=env-reveal]")).length || null);
    await (await session.find("[data-testid=env-value][data-name=TABLE_NAME] + td [data-testid=env-reveal]")).click();
    // Scroll the panel as far as it goes (its height depends on the window).
    const scrolled = await session.execute(
      "const p = document.querySelector('[data-testid=tab-panel]'); p.scrollTop = p.scrollHeight; p.dispatchEvent(new Event('scroll')); return Math.round(p.scrollTop);",
    );
    assert.ok(scrolled > 50, `the configuration scrolls (${scrolled} px)`);
    const left = await paneState(session);
    assert.deepEqual(left.revealed, ["TABLE_NAME"]);
    assert.equal(left.hash, "#/functions/payments-api/configuration");
    await saveScreenshot(session, "30-tabs-configuration");

    await openFunction(session, "orders-api");
    const other = await paneState(session);
    assert.deepEqual([other.tab, other.scrollTop, other.revealed], ["overview", 0, []]);

    await openFunction(session, "payments-api");
    const back = await session.waitFor("payments-api as it was left", async () => {
      const state = await paneState(session);
      return state.tab === "configuration" && state.revealed.length === 1 && Math.abs(state.scrollTop - scrolled) <= 2
        ? state
        : null;
    });
    assert.deepEqual(back.revealed, ["TABLE_NAME"]);
    await chord(session, CONTROL, "1");
    await session.waitFor("Overview by Ctrl+1", async () => (await paneState(session)).tab === "overview" || null);
  });

  it("jumps from the palette to a function's tab, typed fuzzily", async () => {
    const { session } = app;
    await (await session.find("[data-testid=search]")).clear();
    const input = await openPalette(session);
    await input.type("ordrs wrk conf");
    const titles = await session.waitFor("the results", async () => {
      const found = await paletteTitles(session);
      return found.length ? found : null;
    });
    assert.equal(titles[0], "orders-worker → Configuration");
    await saveScreenshot(session, "31-palette");
    await session.keys("\uE007"); // Enter
    await session.waitFor("orders-worker on Configuration", async () => {
      const state = await paneState(session);
      return state.name === "orders-worker" && state.tab === "configuration" ? true : null;
    });
    assert.equal((await session.findAll("[data-testid=palette]")).length, 0, "the palette closed");
    assert.equal((await paneState(session)).hash, "#/functions/orders-worker/configuration");
  });

  it("switches region from the palette, recent picks first, and back", async () => {
    const { session } = app;
    let input = await openPalette(session);
    await input.type("eu-west-1");
    await session.waitFor("the region result", async () => (await paletteTitles(session))[0] === "Region: eu-west-1" || null);
    await session.keys("\uE007");
    await session.waitFor("the eu-west-1 list", async () =>
      (await selectedValue(session, "[data-testid=region-select]")) === "eu-west-1" &&
      (await session.findAll("[data-testid=status-line][data-state=synced]")).length
        ? true
        : null,
    );
    assert.equal(await (await session.find("[data-testid=function-count]")).text(), "0 functions");
    assert.equal((await session.findAll("[data-testid=function-details]")).length, 0, "a switch clears the selection");

    input = await openPalette(session);
    const recent = await paletteTitles(session);
    assert.equal(recent[0], "Region: eu-west-1", "the last pick comes first");
    await input.type("us-east-1");
    await session.waitFor("the region result", async () => (await paletteTitles(session))[0] === "Region: us-east-1" || null);
    await session.keys("\uE007");
    await session.waitFor("the us-east-1 list", async () => {
      const [count] = await session.findAll("[data-testid=function-count]");
      return count && (await count.text()) === `${DEMO_FUNCTION_COUNT} functions` ? true : null;
    });
  });

  it("turns dark from the palette, every colour from the theme", async () => {
    const { session } = app;
    await openFunction(session, "payments-api");
    const input = await openPalette(session);
    await input.type("toggle theme");
    await session.waitFor("the theme action", async () => (await paletteTitles(session))[0] === "Toggle light/dark theme" || null);
    await session.keys("\uE007");
    const colours = await session.waitFor("the dark theme", async () => {
      const state = await session.execute(`return {
        theme: document.documentElement.dataset.theme,
        background: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.body).color,
      };`);
      return state.theme === "dark" ? state : null;
    });
    // Dark background, light text: the sum of the RGB channels tells them apart.
    const brightness = (css) => css.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
    assert.ok(brightness(colours.background) < 150, colours.background);
    assert.ok(brightness(colours.text) > 600, colours.text);
    await sleep(300);
    await saveScreenshot(session, "32-dark-theme");
    await openPalette(session);
    await saveScreenshot(session, "33-dark-palette");
    await session.keys("\uE00C"); // Escape closes the palette
    await session.waitFor("the palette to close", async () => (await session.findAll("[data-testid=palette]")).length === 0 || null);
  });

  it("reaches every control with the keyboard", async () => {
    const { session } = app;
    await session.execute("document.activeElement?.blur(); document.body.focus(); return true;");
    const reached = new Set();
    for (let i = 0; i < 40; i++) {
      await session.keys("\uE004"); // Tab
      const what = await session.execute(`
        const el = document.activeElement;
        return el?.dataset?.testid ?? el?.getAttribute?.("aria-label") ?? el?.tagName ?? null;`);
      reached.add(what);
      // The focused control draws its focus ring (an outline of some width).
      const ring = await session.execute(`
        const style = getComputedStyle(document.activeElement);
        return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;`);
      assert.ok(ring, `the focus on ${what} is visible`);
    }
    for (const control of [
      "profile-select",
      "region-select",
      "open-palette",
      "refresh",
      "open-settings",
      "search",
      "sort-name",
      "sort-modified",
      "function-list-viewport",
      "open-console",
      "tab-overview",
      "tab-panel",
    ]) {
      assert.ok(reached.has(control), `Tab reaches ${control}: ${[...reached].join(", ")}`);
    }
    const grid = await session.execute(`
      const grid = document.querySelector("[data-testid=function-list-viewport]");
      return { role: grid.getAttribute("role"), rows: grid.getAttribute("aria-rowcount"),
               active: grid.getAttribute("aria-activedescendant") };`);
    assert.equal(grid.role, "grid");
    assert.ok(Number(grid.rows) > 1, JSON.stringify(grid));
  });

  it("measures and clears local data, and the window says so honestly", async () => {
    const { session } = app;
    await chord(session, CONTROL, ",");
    await (await session.waitFor("Settings", async () => (await session.findAll("[data-testid=tab-local-data]"))[0] ?? null)).click();
    const cells = await session.waitFor("the us-east-1 data", () =>
      session.execute(`
        const row = document.querySelector("[data-testid=local-data-scope][data-region=us-east-1]");
        return row ? [...row.querySelectorAll("td")].map((cell) => cell.textContent.trim()) : null;`),
    );
    const [profile, region, functions, age, size] = cells;
    assert.deepEqual([profile, region, functions], ["local-demo", "us-east-1", String(DEMO_FUNCTION_COUNT)]);
    assert.match(age, /^(just now|\d+ min ago)$/);
    assert.match(size, /^[\d.]+ KB$/);
    await saveScreenshot(session, "34-local-data");

    await (await session.find("[data-testid=local-data-scope][data-region=us-east-1] [data-testid=clear-scope]")).click();
    const confirm = await session.waitFor("the question", async () => (await session.findAll("[data-testid=confirm-clear]"))[0] ?? null);
    assert.match(await confirm.text(), /local-demo · us-east-1/);
    assert.equal((await session.findAll("[data-testid=local-data-scope][data-region=us-east-1]")).length, 1, "nothing cleared before yes");
    await (await session.find("[data-testid=confirm-clear-yes]")).click();
    await session.waitFor("the row to go", async () =>
      (await session.findAll("[data-testid=local-data-scope][data-region=us-east-1]")).length === 0 || null,
    );
    await (await session.find("[data-testid=close-settings]")).click();

    // The window shows it has nothing saved, and does not refill behind the user's back.
    const status = await session.waitFor("the empty state", async () => {
      const [line] = await session.findAll("[data-testid=status-line][data-state=never]");
      return line ? line.text() : null;
    });
    assert.match(status, /Not synced yet/);
    assert.equal((await session.findAll("[data-testid=function-row]")).length, 0);
    assert.match(await (await session.find("[data-testid=list-empty]")).text(), /Nothing saved/);
    await saveScreenshot(session, "35-local-data-cleared");

    await (await session.find("[data-testid=retry]")).click();
    await session.waitFor("the list again", async () => {
      const [count] = await session.findAll("[data-testid=function-count]");
      return count && (await count.text()) === `${DEMO_FUNCTION_COUNT} functions` ? true : null;
    });
    const streams = await session.executeAsync(
      "const done = arguments[0]; window.__TAURI_INTERNALS__.invoke('running_streams').then(done, (e) => done(String(e)));",
    );
    assert.deepEqual(streams, [], "a finished refresh leaves no stream running");
  });
});
