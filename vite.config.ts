import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS } from './src/serving/headers.ts';

export default defineConfig({
  // Relative URLs everywhere: dist/ works from a host's root and from any sub-path (a project page,
  // ~teacher/playground/), and so do the worker, the wasm binaries and the data, which resolve
  // against the page or the script that loads them.
  base: './',
  plugins: [
    react(),
    VitePWA({
      // Our own service worker (src/serving/sw.ts): Workbox's precaching plus COOP/COEP on what it serves.
      strategies: 'injectManifest',
      srcDir: 'src/serving',
      filename: 'sw.ts',
      registerType: 'prompt',
      // src/serving/register.ts registers it (it also reloads once for isolation and shows the prompt).
      injectRegister: false,
      injectManifest: {
        // The shell, the engine worker, the tfjs wasm binaries and the bundled data sets (the plugin adds the
        // web manifest and its icons).
        globPatterns: ['**/*.{html,js,css,wasm,tsv}'],
        // The engine worker (≈ 2 MB) and the default data set (≈ 2.2 MB) are above Workbox's 2 MiB default.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      manifest: {
        name: 'Unlearning Playground',
        short_name: 'Unlearning',
        description: 'Train LightGCN in your browser, then watch what forgetting a user does to the graph.',
        theme_color: '#0072B2',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its pthreads (its threaded build, chosen when the page is cross-origin
    // isolated) from the Emscripten factory's own source, `factory.toString()` in a blob. Compression
    // rewrites the factory's guard `typeof _scriptDir !== "undefined" && _scriptDir` — _scriptDir is a
    // variable of the enclosing closure — to `e !== void 0 && e`, which throws "ReferenceError: e is not
    // defined" in every pthread, where that closure is absent. Without compression (names still
    // mangled) the typeof guard survives and the threaded build runs; the worker grows by ≈ 4%.
    rolldownOptions: { output: { minify: { compress: false, mangle: true } } },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  // Isolated like any host that sends the headers (scripts/start.sh serves through `vite preview`).
  server: { headers: { ...ISOLATION_HEADERS } },
  preview: { headers: { ...ISOLATION_HEADERS } },
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
