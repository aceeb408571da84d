// A minimal W3C WebDriver client (the handful of endpoints the e2e suite uses), so the
// suite needs nothing beyond Node's standard library.

const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverSession {
  constructor(baseUrl, sessionId) {
    this.baseUrl = baseUrl;
    this.sessionId = sessionId;
  }

  /** Starts a session on the app at `application` through tauri-driver at `baseUrl`. */
  static async start(baseUrl, application) {
    const body = { capabilities: { alwaysMatch: { "tauri:options": { application } } } };
    // An app that never opens its window (it crashed, or handed over to another running
    // instance) would leave the driver waiting forever.
    const value = await request(baseUrl, "POST", "/session", body, SESSION_START_TIMEOUT_MS);
    return new WebDriverSession(baseUrl, value.sessionId);
  }

  async command(method, path, body) {
    return request(this.baseUrl, method, `/session/${this.sessionId}${path}`, body);
  }

  async end() {
    await this.command("DELETE", "").catch(() => {});
  }

  async findAll(css) {
    const found = await this.command("POST", "/elements", { using: "css selector", value: css });
    return found.map((element) => new Element(this, element[ELEMENT_KEY]));
  }

  async find(css) {
    const found = await this.command("POST", "/element", { using: "css selector", value: css });
    return new Element(this, found[ELEMENT_KEY]);
  }

  /** Runs a script in the page. Scripts return plain values; never let them throw. */
  async execute(script, args = []) {
    return this.command("POST", "/execute/sync", { script, args });
  }

  /** Runs a script that calls its last argument with the result. */
  async executeAsync(script, args = []) {
    return this.command("POST", "/execute/async", { script, args });
  }

  /** Polls `probe` until it returns a truthy value or `timeoutMs` passes. */
  async waitFor(description, probe, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        last = await probe();
        if (last) return last;
      } catch (err) {
        last = err;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (last: ${last})`);
  }

  /** Key presses (W3C actions), sent to whatever has the focus. */
  async keys(...keys) {
    const actions = keys.flatMap((value) => [
      { type: "keyDown", value },
      { type: "keyUp", value },
    ]);
    await this.command("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  }

  /**
   * Pointer moves, presses and releases (W3C actions) at page coordinates (CSS px from
   * the viewport's top-left): `["move", x, y]`, `["down"]`, `["up"]`.
   */
  async pointer(...steps) {
    const actions = steps.map(([kind, x, y]) =>
      kind === "move"
        ? { type: "pointerMove", x: Math.round(x), y: Math.round(y), origin: "viewport", duration: 50 }
        : { type: kind === "down" ? "pointerDown" : "pointerUp", button: 0 },
    );
    await this.command("POST", "/actions", {
      actions: [{ type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions }],
    });
  }

  /** The app's open windows (one handle per webview window). */
  windowHandles() {
    return this.command("GET", "/window/handles");
  }

  /** Sends the next commands to another window. */
  switchToWindow(handle) {
    return this.command("POST", "/window", { handle });
  }

  /** PNG bytes of the window as the user sees it. */
  async screenshot() {
    return Buffer.from(await this.command("GET", "/screenshot"), "base64");
  }
}

class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }
  /** The rendered text, as the user reads it (only what is scrolled into view). */
  text() {
    return this.session.command("GET", `/element/${this.id}/text`);
  }
  /** All text inside the element, wherever it is scrolled. */
  textContent() {
    return this.session.execute("return arguments[0].textContent", [{ [ELEMENT_KEY]: this.id }]);
  }
  attribute(name) {
    return this.session.command("GET", `/element/${this.id}/attribute/${name}`);
  }
  click() {
    return this.session.command("POST", `/element/${this.id}/click`, {});
  }
  /** Empties a field the way typing does: frameworks listening to `input` see it too. */
  async clear() {
    await this.session.command("POST", `/element/${this.id}/clear`, {});
    await this.session.execute("arguments[0].dispatchEvent(new Event('input', { bubbles: true }))", [
      { [ELEMENT_KEY]: this.id },
    ]);
  }
  type(text) {
    return this.session.command("POST", `/element/${this.id}/value`, { text });
  }
}

const SESSION_START_TIMEOUT_MS = 60_000;

async function request(baseUrl, method, path, body, timeoutMs) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined,
  });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = payload.value?.message ?? JSON.stringify(payload);
    throw new Error(`WebDriver ${method} ${path} failed (${response.status}): ${detail}`);
  }
  return payload.value;
}
