import { describe, expect, it } from 'vitest';
import { clipText, escapeControlsMultiline, escapeControlsSingleLine } from './escape-text.js';

describe('escapeControlsSingleLine', () => {
  it('makes C0, DEL and C1 controls visible as \\x escapes', () => {
    expect(escapeControlsSingleLine('a\u0007b\u0000c\u007fd\u009be')).toBe('a\\x07b\\x00c\\x7fd\\x9be');
  });
  it('escapes newlines, carriage returns and tabs by name', () => {
    expect(escapeControlsSingleLine('line1\r\nline2\tx')).toBe('line1\\r\\nline2\\tx');
  });
  it('makes bidi overrides and isolates visible', () => {
    expect(escapeControlsSingleLine('invoice\u202Efdp.exe')).toBe('invoice\\u202efdp.exe');
    expect(escapeControlsSingleLine('\u2066x\u2069')).toBe('\\u2066x\\u2069');
  });
  it('leaves markup and ordinary Unicode alone (it is rendered as text)', () => {
    const s = '<script>alert(1)</script> café 日本 😀';
    expect(escapeControlsSingleLine(s)).toBe(s);
  });
});

describe('escapeControlsMultiline', () => {
  it('keeps newlines and tabs but escapes carriage returns and other controls', () => {
    expect(escapeControlsMultiline('a\r\n\tb\u001bc')).toBe('a\\r\n\tb\\x1bc');
  });
});

describe('clipText', () => {
  it('returns short text unchanged', () => {
    expect(clipText('abc', 5)).toEqual({ text: 'abc', clipped: false });
  });
  it('clips long text and does not split a surrogate pair', () => {
    const r = clipText('ab😀cd', 3);
    expect(r.clipped).toBe(true);
    expect(r.text).toBe('ab');
    expect(clipText('abcdef', 4)).toEqual({ text: 'abcd', clipped: true });
  });
});
