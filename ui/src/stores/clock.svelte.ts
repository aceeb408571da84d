// "Now", for the ages shown everywhere ("synced 3 min ago"): one clock for the window,
// ticking often enough for minutes to be right.
const TICK_MS = 15_000;

class Clock {
  now = $state(new Date());
  #timer: ReturnType<typeof setInterval> | null = null;

  start() {
    this.#timer ??= setInterval(() => (this.now = new Date()), TICK_MS);
  }
}

export const clock = new Clock();
