// Builds the source portal: one script, one stylesheet, stable names, nothing inline (strict CSP).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../portal-dist/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    rollupOptions: {
      output: {
        entryFileNames: 'assets/portal.js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: (info) => (info.names?.[0]?.endsWith('.css') ? 'assets/portal.css' : 'assets/[name][extname]'),
      },
    },
  },
});
