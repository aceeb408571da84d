import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The desktop shell embeds ui/dist (src-tauri/tauri.conf.json → build.frontendDist).
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    target: "es2021",
    outDir: "dist",
    emptyOutDir: true,
    // Two pages: the main window, and the tail windows (src-tauri/src/windows.rs).
    rollupOptions: { input: { main: "index.html", tail: "tail.html" } },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // theme.test.ts reads app.css as text (`?raw`); without this vitest hands it "".
    css: true,
  },
});
