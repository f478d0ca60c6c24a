import type { StateCreator } from 'zustand';
import type { AppState, UiSlice } from './types.js';

let nextErrorId = 1;
const MAX_ERRORS = 5;

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  errors: [],
  notice: null,
  pushError(error, context) {
    const message = (context ? context + ': ' : '') + errorText(error);
    set((s) => {
      // The same failure repeating (a poll, a page) should not stack up banners.
      if (s.errors.some((e) => e.message === message)) return s;
      return { errors: [...s.errors, { id: nextErrorId++, message }].slice(-MAX_ERRORS) };
    });
  },
  dismissError(id) {
    set((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
  },
  setNotice(notice) {
    set({ notice });
  },
});
