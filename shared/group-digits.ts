// Counts written with en-US digit grouping (1,234,567) without Intl: creating the first
// Intl.NumberFormat (or calling toLocaleString) loads ICU's number data, 60-80 ms of the
// renderer's first screen here (issue 6), for what is a comma every three digits.

let fallback: Intl.NumberFormat | null = null;

/** `1234567` → `1,234,567`, exactly as `Intl.NumberFormat('en-US')` writes it. */
export function groupDigits(n: number): string {
  // Safe integers are the counts we show; anything else (fractions, -0, NaN, huge values)
  // goes to Intl, created on first need.
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
    const digits = String(n < 0 ? -n : n);
    const head = digits.length % 3 || 3;
    let out = digits.slice(0, head);
    for (let i = head; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
    return n < 0 ? '-' + out : out;
  }
  fallback ??= new Intl.NumberFormat('en-US');
  return fallback.format(n);
}
