import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is one build for both shells: Electron loads it from disk (file://, hence the
// relative base) and `chainline serve` serves the same files over loopback HTTP.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or styles: the CSP of both shells forbids 'unsafe-inline'.
    assetsInlineLimit: 0,
  },
});
