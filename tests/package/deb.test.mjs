// The .deb that `make package` builds: unpacked into a temporary folder, it holds the
// app's binary, a desktop entry that starts it and the icon that entry names, and it
// declares what it needs from Debian.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";

const ROOT = resolve(import.meta.dirname, "../..");
const DEB_DIR = join(ROOT, "target/release/bundle/deb");

/** The one .deb `make package` left (the bundler names it after product and version). */
function builtDeb() {
  const debs = readdirSync(DEB_DIR).filter((name) => name.endsWith(".deb"));
  assert.equal(debs.length, 1, `one .deb in ${DEB_DIR}: ${debs.join(", ")}`);
  return join(DEB_DIR, debs[0]);
}

describe("the .deb package", () => {
  let deb;
  let unpacked;

  before(() => {
    deb = builtDeb();
    unpacked = mkdtempSync(join(tmpdir(), "lambda-deck-deb-"));
    execFileSync("dpkg-deb", ["-x", deb, unpacked]);
  });

  after(() => rmSync(unpacked, { recursive: true, force: true }));

  it("holds the app's binary, executable", () => {
    const binary = join(unpacked, "usr/bin/lambda-deck");
    accessSync(binary, constants.X_OK);
    assert.equal(readFileSync(binary).subarray(0, 4).toString("latin1"), "\x7fELF");
  });

  it("has a desktop entry that starts the app with its icon", () => {
    const entry = readFileSync(join(unpacked, "usr/share/applications/Lambda Deck.desktop"), "utf8");
    const field = (key) => new RegExp(`^${key}=(.*)$`, "m").exec(entry)?.[1];
    assert.equal(field("Type"), "Application");
    assert.equal(field("Name"), "Lambda Deck");
    assert.equal(field("Exec"), "lambda-deck");
    assert.equal(field("Icon"), "lambda-deck");
    assert.match(field("Categories") ?? "", /Development/);
    const icons = readdirSync(join(unpacked, "usr/share/icons/hicolor"), { recursive: true }).filter((path) =>
      String(path).endsWith("apps/lambda-deck.png"),
    );
    assert.ok(icons.length >= 1, "the icon the entry names is installed");
    const icon = readFileSync(join(unpacked, "usr/share/icons/hicolor", String(icons[0])));
    assert.equal(icon.subarray(1, 4).toString("latin1"), "PNG");
  });

  it("declares its package name, version and dependencies", () => {
    const control = (field) => execFileSync("dpkg-deb", ["-f", deb, field]).toString().trim();
    assert.equal(control("Package"), "lambda-deck");
    assert.match(control("Version"), /^\d+\.\d+\.\d+/);
    const depends = control("Depends");
    for (const needed of ["libwebkit2gtk-4.1-0", "libgtk-3-0", "xdg-utils"]) {
      assert.match(depends, new RegExp(`(^|, )${needed.replace(/[.+]/g, "\\$&")}(,|$| )`), depends);
    }
    assert.match(control("Recommends"), /gnome-keyring/);
    console.log(`${deb}: ${(statSync(deb).size / 1024 / 1024).toFixed(2)} MB`);
  });
});
