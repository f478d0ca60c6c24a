// Pane sizes the investigator dragged, remembered across launches (localStorage), clamped so a
// stored value from another screen never hides a pane.

export function clampSize(value: unknown, min: number, max: number, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(n)) return fallback;
  return Math.max(min, Math.min(max, n));
}

export function readSize(key: string, min: number, max: number, fallback: number): number {
  try {
    return clampSize(window.localStorage.getItem('chainline.pane.' + key), min, max, fallback);
  } catch {
    return fallback;
  }
}

export function writeSize(key: string, value: number): void {
  try {
    window.localStorage.setItem('chainline.pane.' + key, String(Math.round(value * 1000) / 1000));
  } catch {
    // storage disabled: the size lasts for this page only
  }
}
