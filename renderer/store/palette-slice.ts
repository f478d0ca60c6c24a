// Whether the command palette (Ctrl+K) is open: the header's button and the shortcut open it.

import type { StateCreator } from 'zustand';
import type { AppState } from './types.js';

export interface PaletteSlice {
  readonly paletteOpen: boolean;
  setPaletteOpen(open: boolean): void;
}

export const createPaletteSlice: StateCreator<AppState, [], [], PaletteSlice> = (set) => ({
  paletteOpen: false,
  setPaletteOpen(paletteOpen) {
    set({ paletteOpen });
  },
});
