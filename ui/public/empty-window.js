// The startup benchmark's baseline (BENCHMARKS.md, LDECK_EMPTY_WINDOW=1): marks when the
// empty page has been painted, the same way the app marks its saved list (two frames).
requestAnimationFrame(() => requestAnimationFrame(() => performance.mark("lambda-deck:window-painted")));
