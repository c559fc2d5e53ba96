// The React app is compiled by Vite's built-in Oxc transform (automatic JSX runtime); no plugins.
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  // `npx vite` in this folder: the app with hot reload, the API from a local `custodia serve`.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
