import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app is built into dist/web, which `parley serve` serves at `/`; the dev server forwards
// the API to a running `parley serve` (PARLEY_API, default http://127.0.0.1:4100).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // The build prints each file's gzipped size; scripts/build.js sums what the first page loads.
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': { target: process.env.PARLEY_API ?? 'http://127.0.0.1:4100', changeOrigin: false } },
  },
});
