// What the stores call: the generated commands, plus the one adapter that turns a
// progress callback into a Tauri Channel. Stores take an `Api` so tests can hand them a
// fake; nothing else in the UI talks to the backend.
import { Channel } from "@tauri-apps/api/core";
import { commands, type SyncEvent } from "./bindings";

export const api = {
  ...commands,
  /** Refreshes the window's saved list, reporting each page (or throttling) as it comes. */
  refreshFunctions(onProgress: (event: SyncEvent) => void) {
    const channel = new Channel<SyncEvent>();
    channel.onmessage = onProgress;
    return commands.refreshFunctions(channel);
  },
};

export type Api = typeof api;

/** A command's answer, as the bindings type it. */
export type Answer<T> = { status: "ok"; data: T } | { status: "error"; error: import("./bindings").ErrorPayload };

/** A value as a successful answer (what the shell handed over before any command). */
export const ok = <T>(data: T): Answer<T> => ({ status: "ok", data });
