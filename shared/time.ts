// Time in Chainline is a count of 100-nanosecond ticks since the Unix epoch, as a bigint:
// Windows records FILETIME at 100 ns, and 2026 in 100 ns ticks (~1.8e16) is past what a
// double holds exactly (2^53 ~ 9.0e15), so numbers would silently lose the last digits.

/** How finely the source recorded an event's time. A 1-second time stays marked as such. */
export type TimePrecision = '100ns' | 'us' | 'ms' | 's';

export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_MS = 10_000n;
/** Ticks between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
export const FILETIME_UNIX_OFFSET_TICKS = 116_444_736_000_000_000n;

export interface ParsedTime {
  readonly ticks: bigint;
  readonly precision: TimePrecision;
}

const TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/;

function precisionOf(fractionDigits: number): TimePrecision {
  if (fractionDigits === 0) return 's';
  if (fractionDigits <= 3) return 'ms';
  if (fractionDigits <= 6) return 'us';
  return '100ns';
}

/**
 * Parses the timestamp shapes Windows logs and collectors write:
 * `2016-11-09T10:17:08.996088300Z` (libevtx, 9 digits), `2025-11-27T07:40:10.165324Z`,
 * `2025-11-27 07:40:10.132` (Sysmon UtcTime), `2020-09-20 17:08:27` (NXLog EventTime).
 * A time without a zone is taken as UTC plus `assumeOffsetMinutes` (local time = UTC + offset).
 * Digits past the seventh are truncated, as Windows keeps 100 ns.
 */
export function parseTimestamp(text: string, assumeOffsetMinutes = 0): ParsedTime | null {
  const quick = sameSecond(text, assumeOffsetMinutes);
  if (quick !== null) return quick;
  const m = TIME_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return null;
  }
  let offsetMinutes = assumeOffsetMinutes;
  if (zone !== undefined) {
    if (zone === 'Z') offsetMinutes = 0;
    else {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    }
  }
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second);
  if (!Number.isFinite(epochMs)) return null;
  const fraction7 = (frac + '0000000').slice(0, 7);
  const secondTicks = BigInt(epochMs) * TICKS_PER_MS - BigInt(offsetMinutes) * 60n * TICKS_PER_SECOND;
  // Remembered for the next text of the same second (see sameSecond): a text with no blank
  // before its digits and no zone but a possible Z, whose first 19 characters are the second.
  const c0 = text.charCodeAt(0);
  if (c0 >= 0x30 && c0 <= 0x39 && (zone === undefined || zone === 'Z')) {
    lastSecondText = text.slice(0, 19);
    lastSecondOffset = offsetMinutes;
    lastSecondTicks = secondTicks;
  }
  return { ticks: secondTicks + BigInt(fraction7), precision: precisionOf(frac.length) };
}

// The second of the last text parsed in full (its first 19 characters, `2020-09-20 21:08:27`),
// the offset it was taken at and its first tick: readers parse times in order, many to a second.
let lastSecondText = '';
let lastSecondOffset = NaN;
let lastSecondTicks = 0n;

/**
 * parseTimestamp of a text in the second parsed last, without the regex, the date
 * arithmetic and most of the bigint work: the same second (first 19 characters), then
 * nothing or `.`/`,` and digits, then nothing or `Z`, at the same offset (0 with Z). Null for
 * anything else, which the full parse then takes.
 */
function sameSecond(text: string, assumeOffsetMinutes: number): ParsedTime | null {
  const n = text.length;
  if (n < 19 || !text.startsWith(lastSecondText) || lastSecondText.length !== 19) return null;
  let end = n;
  let offset = assumeOffsetMinutes;
  if (text.charCodeAt(end - 1) === 0x5a /* Z */) {
    end--;
    offset = 0;
  }
  if (offset !== lastSecondOffset) return null;
  if (end === 19) return { ticks: lastSecondTicks, precision: 's' };
  const sep = text.charCodeAt(19);
  if ((sep !== 0x2e && sep !== 0x2c) || end === 20) return null;
  for (let i = 20; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  const frac = text.slice(20, end);
  return { ticks: lastSecondTicks + BigInt((frac + '0000000').slice(0, 7)), precision: precisionOf(frac.length) };
}

function pad(n: number | bigint, width: number): string {
  return n.toString().padStart(width, '0');
}

// The date and time of the last second formatted (`2020-09-20T21:08:27.`): readers format
// events in time order, many to a second, and the Date and seven paddings cost more than the rest.
let isoSecond = NaN;
let isoPrefix = '';
/** The first tick of that second: a time within it needs a subtraction, not two bigint divisions. */
let isoStart = -1n;
/**
 * The character codes of the text for years 1970–9999 (isoCodes holds that second's date and
 * time): one flat string made from them costs less than the date arithmetic of Date, seven
 * paddings and the concatenations, which left several objects per event for the collector.
 */
let isoCoded = false;
const isoCodes = new Uint8Array(28);
/** 10000-01-01T00:00:00Z in seconds: from there the year has five digits. */
const YEAR_10000 = 253_402_300_800;

/** ISO 8601 UTC with exactly seven fractional digits: `2020-09-20T21:08:27.0000000Z`. */
export function ticksToIso(ticks: bigint): string {
  const within = ticks - isoStart;
  if (within >= 0n && within < TICKS_PER_SECOND && isoStart >= 0n) return isoText(Number(within));
  let seconds = ticks / TICKS_PER_SECOND;
  let fraction = ticks % TICKS_PER_SECOND;
  if (fraction < 0n) {
    fraction += TICKS_PER_SECOND;
    seconds -= 1n;
  }
  const s = Number(seconds);
  if (s !== isoSecond) {
    if (s >= 0 && s < YEAR_10000) {
      codeSecond(s);
      isoCoded = true;
    } else {
      const date = new Date(s * 1000);
      if (Number.isNaN(date.getTime())) return 'invalid-time';
      isoPrefix =
        `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
        `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.`;
      isoCoded = false;
    }
    isoSecond = s;
    isoStart = s >= 0 ? ticks - fraction : -1n;
  }
  return isoText(Number(fraction));
}

/** The text of a time `fraction` ticks into isoSecond. */
function isoText(fraction: number): string {
  if (!isoCoded) return `${isoPrefix}${fraction7(fraction)}Z`;
  const c = isoCodes;
  let f = fraction;
  for (let i = 26; i >= 20; i--) {
    const q = Math.floor(f / 10);
    c[i] = 48 + f - q * 10;
    f = q;
  }
  return String.fromCharCode(
    c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!,
    c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23]!, c[24]!, c[25]!, c[26]!, c[27]!,
  );
}

/** Writes `YYYY-MM-DDTHH:MM:SS.` of 0 ≤ s < YEAR_10000 seconds into isoCodes (proleptic Gregorian, as Date). */
function codeSecond(s: number): void {
  const days = Math.floor(s / 86_400);
  const sod = s - days * 86_400;
  // Civil date from days since 1970-01-01 (H. Hinnant, "chrono-compatible low-level date algorithms").
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(sod / 3600);
  const minute = Math.floor((sod - hour * 3600) / 60);
  const second = sod - hour * 3600 - minute * 60;
  const c = isoCodes;
  c[0] = 48 + Math.floor(year / 1000);
  c[1] = 48 + (Math.floor(year / 100) % 10);
  c[2] = 48 + (Math.floor(year / 10) % 10);
  c[3] = 48 + (year % 10);
  c[4] = 45; // -
  two(c, 5, month);
  c[7] = 45;
  two(c, 8, day);
  c[10] = 84; // T
  two(c, 11, hour);
  c[13] = 58; // :
  two(c, 14, minute);
  c[16] = 58;
  two(c, 17, second);
  c[19] = 46; // .
  c[27] = 90; // Z
}

function two(c: Uint8Array, at: number, n: number): void {
  const tens = Math.floor(n / 10);
  c[at] = 48 + tens;
  c[at + 1] = 48 + n - tens * 10;
}

/** 0 ≤ n < 10^7 as seven digits. */
function fraction7(n: number): string {
  return n >= 1_000_000 ? String(n) : String(n + 10_000_000).slice(1);
}

/** FILETIME (100 ns since 1601) to Chainline ticks. */
export function filetimeToTicks(filetime: bigint): bigint {
  return filetime - FILETIME_UNIX_OFFSET_TICKS;
}

/** Milliseconds since the epoch (for display and charts; loses sub-millisecond digits). */
export function ticksToEpochMs(ticks: bigint): number {
  return Number(ticks / TICKS_PER_MS);
}

/**
 * Formats a 7-digit ISO string for display in a zone given as minutes east of UTC
 * (0 = UTC), keeping the fractional digits the source had.
 */
export function formatIsoForDisplay(
  iso: string,
  offsetMinutes: number,
  precision: TimePrecision = '100ns',
): string {
  const parsed = parseTimestamp(iso);
  if (!parsed) return iso;
  const shifted = parsed.ticks + BigInt(offsetMinutes) * 60n * TICKS_PER_SECOND;
  const text = ticksToIso(shifted);
  const digits = precision === 's' ? 0 : precision === 'ms' ? 3 : precision === 'us' ? 6 : 7;
  const base = text.slice(0, 19).replace('T', ' ');
  const fraction = digits === 0 ? '' : '.' + text.slice(20, 20 + digits);
  const zone =
    offsetMinutes === 0
      ? 'Z'
      : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60), 2)}:${pad(
          Math.abs(offsetMinutes) % 60,
          2,
        )}`;
  return base + fraction + ' ' + zone;
}
