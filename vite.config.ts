import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is one static build served by both hosts: Electron (custom app:// protocol) and
// `repro serve` (HTTP). Relative asset URLs keep it host-agnostic; Monaco and its workers are
// bundled locally, never fetched from a CDN.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
  },
  worker: { format: 'es' },
});
