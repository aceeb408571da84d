// The start-up benchmark's baselines (BENCHMARKS.md (c): the empty window and the static
// first screen): marks when the page has been painted, the same way the app marks its
// saved list (two animation frames after the content is in the page).
requestAnimationFrame(() => requestAnimationFrame(() => performance.mark("lambda-deck:window-painted")));
