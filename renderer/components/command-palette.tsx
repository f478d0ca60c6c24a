import { lazy, Suspense, useEffect } from 'react';
import { useAppStore } from '../store/app-store.js';

// The dialog and its search load on first use: the first screen of a large case parses less.
const PaletteDialog = lazy(() => import('./palette-dialog.js').then((m) => ({ default: m.PaletteDialog })));

/** Ctrl+K (or ⌘K) opens it anywhere. */
function usePaletteShortcut(): void {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        useAppStore.getState().setPaletteOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** One box that finds anything by name and goes there. */
export function CommandPalette() {
  usePaletteShortcut();
  const open = useAppStore((s) => s.paletteOpen);
  return open ? (
    <Suspense fallback={null}>
      <PaletteDialog />
    </Suspense>
  ) : null;
}
