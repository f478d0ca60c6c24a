import { describe, expect, it } from 'vitest';
import { inertSegments, inertText, isUnsafeCodePoint, needsInerting } from './inert-text.js';

describe('inert text', () => {
  it('shows controls, ANSI escapes, bidi overrides and zero-width characters as markers', () => {
    expect(inertText('\u001b[31mred\u001b[0m')).toBe('⟨U+001B⟩[31mred⟨U+001B⟩[0m');
    expect(inertText('invoice\u202Efdp.exe')).toBe('invoice⟨U+202E⟩fdp.exe');
    expect(inertText('\u2066x\u2069 \u202A\u202B\u202C\u202D')).toBe('⟨U+2066⟩x⟨U+2069⟩ ⟨U+202A⟩⟨U+202B⟩⟨U+202C⟩⟨U+202D⟩');
    expect(inertText('a\u200Bb\u200C\u200D\u2060\uFEFF')).toBe('a⟨U+200B⟩b⟨U+200C⟩⟨U+200D⟩⟨U+2060⟩⟨U+FEFF⟩');
    expect(inertText('\u0000\u0007\u007f\u0085\u009b')).toBe('⟨U+0000⟩⟨U+0007⟩⟨U+007F⟩⟨U+0085⟩⟨U+009B⟩');
    expect(inertText('lone \ud800 surrogate')).toBe('lone ⟨U+D800⟩ surrogate');
    expect(inertText('tag \u{E0041}')).toBe('tag ⟨U+E0041⟩');
  });

  it('keeps ordinary text, emoji, tabs and line breaks unless told not to', () => {
    expect(inertText('C:\\Windows\\System32\\cmd.exe /c "dir" <b> é 😀')).toBe('C:\\Windows\\System32\\cmd.exe /c "dir" <b> é 😀');
    expect(inertText('a\tb\r\nc\nd')).toBe('a\tb\r\nc\nd');
    expect(inertText('a\tb\nc\rd', { keepNewlines: false })).toBe('a⟨U+0009⟩b⟨U+000A⟩c⟨U+000D⟩d');
    expect(inertText('lone\rcr')).toBe('lone⟨U+000D⟩cr');
    expect(needsInerting('plain')).toBe(false);
    expect(needsInerting('')).toBe(false);
    expect(needsInerting('a\u202Eb')).toBe(true);
  });

  it('clips long values visibly, stating the full length, without splitting a surrogate pair', () => {
    const blob = 'A'.repeat(5 * 1024 * 1024);
    const segments = inertSegments(blob, { maxChars: 4096 });
    expect(segments).toHaveLength(2);
    expect(segments[0]).toEqual({ kind: 'text', text: 'A'.repeat(4096) });
    expect(segments[1]?.kind).toBe('clipped');
    expect(segments[1]?.text).toBe('⟨clipped: 5,238,784 more characters; showing 4,096 of 5,242,880⟩');
    const emoji = 'ab😀cd';
    const cut = inertSegments(emoji, { maxChars: 3 });
    expect(cut[0]).toEqual({ kind: 'text', text: 'ab' });
    expect(cut[1]).toMatchObject({ kind: 'clipped', shown: 2, length: 6 });
  });

  it('classifies code points', () => {
    for (const cp of [0x1b, 0x202e, 0x2066, 0x200b, 0xfeff, 0x85, 0x2028]) expect(isUnsafeCodePoint(cp)).toBe(true);
    for (const cp of [0x41, 0x20, 0xe9, 0x1f600, 0x4e2d]) expect(isUnsafeCodePoint(cp)).toBe(false);
  });
});
