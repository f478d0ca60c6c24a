// Pure helpers that turn Windows' many spellings of one value into one form.
// Readers of every format call these, so that XML, JSON and EVTX agree to the character.

/**
 * A process id as Windows logs it: hex strings in Security 4688/4689 (`0x1a2c`),
 * decimal strings in Sysmon and Execution/@ProcessID, numbers in JSON. Returns null when
 * the text is not a PID.
 */
export function parsePid(value: string | number | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  const text = value.trim();
  if (text === '' || text === '-') return null;
  if (/^0x[0-9a-f]+$/i.test(text)) {
    const n = parseInt(text.slice(2), 16);
    return Number.isSafeInteger(n) ? n : null;
  }
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/**
 * A 64-bit hex value (LogonId, Keywords, hex32/hex64 fields) in Windows' own rendering:
 * lower-case `0x` then no padding (`0x00000000000003e7` → `0x3e7`). Decimal text is
 * converted. Anything else is returned unchanged, because evidence is shown as it is.
 */
export function normalizeHex(value: string): string {
  // The same value comes again and again (a log's Keywords): remember the last one.
  if (value === lastHexIn) return lastHexOut;
  lastHexOut = normalizeHexText(value);
  lastHexIn = value;
  return lastHexOut;
}

let lastHexIn: string | undefined;
let lastHexOut = '';

/**
 * True for hex already in Windows' rendering (`0x`, lower-case digits, no leading zero, or
 * `0x0`), which normalizeHexText would rebuild character for character: readers pass mostly
 * such values (LogonIds, Keywords), alternating, so the one-value memory above seldom holds.
 */
function isWindowsHex(value: string): boolean {
  const n = value.length;
  if (n < 3 || value.charCodeAt(0) !== 0x30 || value.charCodeAt(1) !== 0x78) return false;
  if (value.charCodeAt(2) === 0x30 && n > 3) return false;
  for (let i = 2; i < n; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function normalizeHexText(value: string): string {
  if (isWindowsHex(value)) return value;
  const text = value.trim();
  if (/^0x[0-9a-f]+$/i.test(text)) {
    const digits = text.slice(2).replace(/^0+/, '').toLowerCase();
    return '0x' + (digits === '' ? '0' : digits);
  }
  return value;
}

/** LogonIds compare after normalization; decimal numbers (some JSON exports) become hex. */
export function normalizeLogonId(value: string | number | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? '0x' + value.toString(16) : null;
  const text = value.trim();
  if (text === '' || text === '-') return null;
  if (/^0x[0-9a-f]+$/i.test(text)) return normalizeHex(text);
  if (/^\d+$/.test(text)) return '0x' + BigInt(text).toString(16);
  return null;
}

export type TokenElevation = 'default' | 'full' | 'limited';

/** TokenElevationType `%%1936` (Type 1, default), `%%1937` (Type 2, full), `%%1938` (Type 3, limited). */
export function decodeTokenElevation(value: string | undefined): TokenElevation | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (text === '%%1936' || /^TokenElevationTypeDefault/i.test(text)) return 'default';
  if (text === '%%1937' || /^TokenElevationTypeFull/i.test(text)) return 'full';
  if (text === '%%1938' || /^TokenElevationTypeLimited/i.test(text)) return 'limited';
  return null;
}

export type IntegrityLevel = 'untrusted' | 'low' | 'medium' | 'medium-plus' | 'high' | 'system' | 'protected';

const INTEGRITY_BY_SID: Readonly<Record<string, IntegrityLevel>> = {
  'S-1-16-0': 'untrusted',
  'S-1-16-4096': 'low',
  'S-1-16-8192': 'medium',
  'S-1-16-8448': 'medium-plus',
  'S-1-16-12288': 'high',
  'S-1-16-16384': 'system',
  'S-1-16-20480': 'protected',
};

/** MandatoryLabel SIDs (4688) and Sysmon's IntegrityLevel words to one name. */
export function decodeIntegrity(value: string | undefined): IntegrityLevel | null {
  if (value === undefined) return null;
  const text = value.trim();
  const bySid = INTEGRITY_BY_SID[text.toUpperCase()];
  if (bySid) return bySid;
  switch (text.toLowerCase()) {
    case 'untrusted':
      return 'untrusted';
    case 'low':
      return 'low';
    case 'medium':
      return 'medium';
    case 'mediumplus':
    case 'medium plus':
      return 'medium-plus';
    case 'high':
      return 'high';
    case 'system':
      return 'system';
    case 'protected':
      return 'protected';
    default:
      return null;
  }
}

const LOGON_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'System',
  2: 'Interactive',
  3: 'Network',
  4: 'Batch',
  5: 'Service',
  7: 'Unlock',
  8: 'NetworkCleartext',
  9: 'NewCredentials',
  10: 'RemoteInteractive',
  11: 'CachedInteractive',
  12: 'CachedRemoteInteractive',
  13: 'CachedUnlock',
};

export function logonTypeName(logonType: number | null): string {
  if (logonType === null) return 'unknown';
  return LOGON_TYPE_NAMES[logonType] ?? `type ${logonType}`;
}

/** The last path component of a Windows or POSIX path, lower-cased (`C:\x\PowerShell.exe` → `powershell.exe`). */
export function imageName(path: string | undefined): string {
  if (!path) return '';
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return path.slice(cut + 1).toLowerCase();
}

/** Parses a decimal or hex integer field; null for anything else. */
export function parseIntField(value: string | undefined): number | null {
  return parsePid(value);
}
