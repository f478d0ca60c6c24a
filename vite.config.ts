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

// The first screen's code (React and the views, a chunk that main.tsx imports only after the
// first API requests have left) is fetched from the page's head, beside the entry: otherwise its
// download starts only once the entry has arrived and run, and the first render waits for it
// (issue 6: first screen within 1 s). Only the chunk and the chunks it imports statically.
function preloadFirstScreen(): Plugin {
  return {
    name: 'chainline-preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const root = chunks.find((c) => c.facadeModuleId?.endsWith('/renderer/mount-app.tsx'));
        if (!root) throw new Error('preloadFirstScreen: no chunk for renderer/mount-app.tsx');
        const files = new Set<string>();
        const visit = (fileName: string): void => {
          if (files.has(fileName)) return;
          files.add(fileName);
          const chunk = chunks.find((c) => c.fileName === fileName);
          for (const dep of chunk?.imports ?? []) visit(dep);
        };
        visit(root.fileName);
        // The entry's own static imports are already loaded with it.
        const entry = chunks.find((c) => c.isEntry);
        for (const dep of [entry?.fileName, ...(entry?.imports ?? [])]) if (dep) files.delete(dep);
        return [...files].map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', href: './' + file }, injectTo: 'head' as const }));
      },
    },
  };
}

// The renderer is one build for both shells: Electron loads it from disk (file://, hence the
// relative base) and `chainline serve` serves the same files over loopback HTTP.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), noCrossorigin(), preloadFirstScreen()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or styles: the CSP of both shells forbids 'unsafe-inline'.
    assetsInlineLimit: 0,
  },
});
