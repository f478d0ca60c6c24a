import { groupDigits } from '../../shared/group-digits.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? String(value) : value.toFixed(value >= 100 ? 0 : 1)) + ' ' + UNITS[unit];
}

export function formatCount(n: number): string {
  return groupDigits(n);
}

export function percent(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, (done / total) * 100));
}

/** `0x1a40 (6720)` */
export function formatOffset(n: number): string {
  return `0x${n.toString(16)} (${n})`;
}

export function shortHash(sha256: string): string {
  return sha256.length > 16 ? sha256.slice(0, 12) + '…' : sha256;
}
