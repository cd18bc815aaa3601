// Builds the console into the console function's folder (functions/console/site), which the function serves
// under /console/ on AWS and in `analytics-local up`. Flat file names with content hashes: the function caches
// them for a year and index.html never.
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "/console/",
  build: {
    outDir: "../functions/console/site",
    emptyOutDir: true,
    assetsDir: "",
    target: "es2022",
    sourcemap: false,
    // No inline script anywhere: the Content-Security-Policy allows scripts from the console's own files only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // The chart library is one file of about 630 kB (210 kB gzipped); the budget that counts is the shipped
    // JavaScript gzipped, which the browser tests measure and keep under 400 kB.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        // The chart library changes far less often than the console: its own file stays cached across releases.
        manualChunks: (id) => (id.includes("node_modules") ? "charts-lib" : undefined),
      },
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
