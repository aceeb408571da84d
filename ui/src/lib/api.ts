// What the stores call: the generated commands, plus the adapters that turn a callback
// into a Tauri Channel. Stores take an `Api` so tests can hand them a
// fake; nothing else in the UI talks to the backend.
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type ApplyProgress,
  type CodeProgress,
  type ConfigEdit,
  type ExportFormat,
  type SyncEvent,
  type TailBatch,
} from "./bindings";

export const api = {
  ...commands,
  /** Refreshes the window's saved list, reporting each page (or throttling) as it comes. */
  refreshFunctions(onProgress: (event: SyncEvent) => void) {
    const channel = new Channel<SyncEvent>();
    channel.onmessage = onProgress;
    return commands.refreshFunctions(channel);
  },
  /** Runs the tail window's tail until stopped; `onBatch` gets at most one batch a frame. */
  startTail(filter: string, sinceSeconds: number, polling: boolean, onBatch: (batch: TailBatch) => void) {
    const channel = new Channel<TailBatch>();
    channel.onmessage = onBatch;
    return commands.startTail(filter, sinceSeconds, polling, channel);
  },
  /** Exports the tail window's lines (`only` these, or all), reporting the share written. */
  exportTail(path: string, format: ExportFormat, only: number[] | null, onProgress: (share: number) => void) {
    const channel = new Channel<number | null>();
    channel.onmessage = (share) => onProgress(share ?? 0);
    return commands.exportTail(path, format, only, channel);
  },
  /** Applies a configuration edit with its revision, reporting each step as it goes. */
  applyConfig(edit: ConfigEdit, onProgress: (step: ApplyProgress) => void) {
    const channel = new Channel<ApplyProgress>();
    channel.onmessage = onProgress;
    return commands.applyConfig(edit, channel);
  },
  /** Deploys a folder or .zip as the function's code, reporting zipping/upload/wait progress. */
  deployCode(functionName: string, path: string, publish: boolean, onProgress: (step: CodeProgress) => void) {
    const channel = new Channel<CodeProgress>();
    channel.onmessage = onProgress;
    return commands.deployCode(functionName, path, publish, channel);
  },
  /** Downloads the deployed code into a new or empty folder, reporting progress. */
  downloadCode(functionName: string, dir: string, onProgress: (step: CodeProgress) => void) {
    const channel = new Channel<CodeProgress>();
    channel.onmessage = onProgress;
    return commands.downloadCode(functionName, dir, channel);
  },
};

export type Api = typeof api;

/** A command's answer, as the bindings type it. */
export type Answer<T> = { status: "ok"; data: T } | { status: "error"; error: import("./bindings").ErrorPayload };

/** A value as a successful answer (what the shell handed over before any command). */
export const ok = <T>(data: T): Answer<T> => ({ status: "ok", data });
