// End-to-end: desktop manners of the real app. The window comes back where it was left, a
// second launch hands over to the running app and brings it forward, and the window
// follows the OS's dark setting. No window manager runs under Xvfb, so xdotool moves and
// focuses windows exactly as asked, and reads back what the app did.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  APP,
  appWindowId,
  focusedWindowId,
  launchApp,
  saveScreenshot,
  seedSavedFunctions,
  sleep,
  unreachableAwsEnv,
  windowGeometry,
} from "./harness.mjs";

/** An offline app on a saved list of a few functions, in `dataDir`. */
function offlineEnv(dataDir, extra = {}) {
  return { ...unreachableAwsEnv("eu-west-1"), LDECK_DATA_DIR: dataDir, ...extra };
}

async function waitForList(app) {
  await app.session.waitFor("the saved list", async () => (await app.session.findAll("[data-testid=function-row]")).length || null);
}

describe("desktop manners", { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "lambda-deck-e2e-desktop-"));
  let app;

  before(async () => {
    seedSavedFunctions(dataDir, { profile: "default", region: "eu-west-1", functions: 12 });
    app = await launchApp(offlineEnv(dataDir));
    await waitForList(app);
  });

  after(async () => {
    await app?.stop();
  });

  it("comes back at the size and position it was left at", async () => {
    const window = appWindowId();
    execFileSync("xdotool", ["windowmove", window, "140", "70", "windowsize", window, "980", "620"]);
    await app.session.waitFor("the window to move", async () => {
      const geometry = windowGeometry(window);
      return geometry.x === 140 && geometry.width === 980 ? geometry : null;
    });
    await sleep(1_500); // the app writes the geometry once the window has settled
    await app.stop();

    app = await launchApp(offlineEnv(dataDir));
    await waitForList(app);
    const restored = windowGeometry(appWindowId());
    assert.deepEqual(restored, { x: 140, y: 70, width: 980, height: 620 });
    await saveScreenshot(app.session, "40-window-restored");
  });

  it("hands a second launch over to the running app, which comes forward", async () => {
    const window = appWindowId();
    // Another window takes the focus (xev opens one and prints its events).
    const other = spawn("xev", ["-geometry", "240x120+700+500", "-name", "e2e-other-window"], { stdio: "ignore" });
    try {
      const otherWindow = await app.session.waitFor("the other window", async () => {
        try {
          return execFileSync("xdotool", ["search", "--name", "^e2e-other-window$"]).toString().trim().split("\n")[0];
        } catch {
          return null;
        }
      });
      execFileSync("xdotool", ["windowfocus", "--sync", otherWindow]);
      assert.equal(focusedWindowId(), otherWindow);
      assert.equal(await app.session.execute("return document.hasFocus()"), false);

      const second = spawn(APP, [], { env: app.env, stdio: "ignore" });
      const code = await Promise.race([
        new Promise((resolve) => second.once("exit", resolve)),
        sleep(10_000).then(() => "still running after 10 s"),
      ]);
      if (code !== 0) second.kill("SIGKILL");
      assert.equal(code, 0, "the second launch hands over and exits cleanly, at once");

      await app.session.waitFor("the running app to take the focus", async () => (focusedWindowId() === window ? true : null));
      assert.equal(await app.session.execute("return document.hasFocus()"), true);
      assert.equal(execFileSync("xdotool", ["search", "--name", "^Lambda Deck$"]).toString().trim().split("\n").length, 1);
    } finally {
      other.kill("SIGTERM");
    }
  });

  it("follows the OS dark setting when the appearance is System", async () => {
    await app.stop();
    // GTK_THEME=…:dark is what the OS setting amounts to for WebKitGTK.
    app = await launchApp(offlineEnv(dataDir, { GTK_THEME: "Adwaita:dark" }));
    await waitForList(app);
    const theme = await app.session.waitFor("the dark theme", async () => {
      const state = await app.session.execute(
        "return { theme: document.documentElement.dataset.theme, system: matchMedia('(prefers-color-scheme: dark)').matches };",
      );
      return state.theme === "dark" ? state : null;
    });
    assert.deepEqual(theme, { theme: "dark", system: true });
    await saveScreenshot(app.session, "41-os-dark");
  });
});
