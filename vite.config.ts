import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Electron loads the built page from file://, where a `crossorigin` module script would be
// fetched in CORS mode from an opaque origin; the attribute buys nothing for same-origin files.
function noCrossorigin(): Plugin {
  return {
    name: 'chainline-no-crossorigin',
    enforce: 'post',
    transformIndexHtml: (html) => html.replace(/\s+crossorigin(="[^"]*")?/g, ''),
  };
}

// The renderer is one build for both shells: Electron loads it from disk (file://, hence the
// relative base) and `chainline serve` serves the same files over loopback HTTP.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), noCrossorigin()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or styles: the CSP of both shells forbids 'unsafe-inline'.
    assetsInlineLimit: 0,
  },
});
