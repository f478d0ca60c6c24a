import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatReadError, type NormalizedEvent, type ReadError, type ReadItem } from '../../../../shared/events.js';
import { resolveWorkerScript } from '../../workers/worker-script.js';
import { makeWevtutilEvent, writeWevtutilXml } from './xml-fixture.js';
import { createXmlReader, xmlReader } from './xml-reader.js';
import { XmlEventScanner } from './xml-scanner.js';

/** JSON of items for "never appears" checks (ticks are bigints). */
function dump(items: readonly ReadItem[]): string {
  return JSON.stringify(items, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

const dir = mkdtempSync(join(tmpdir(), 'chainline-xml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Buffer, name = 'f.xml'): string {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, reader = xmlReader): Promise<{ items: ReadItem[]; events: NormalizedEvent[]; errors: ReadError[] }> {
  const items: ReadItem[] = [];
  for await (const batch of reader.read(path)) items.push(...batch);
  return {
    items,
    events: items.flatMap((i) => (i.kind === 'event' ? [i.event] : [])),
    errors: items.flatMap((i) => (i.kind === 'error' ? [i.error] : [])),
  };
}

const NS = "xmlns='http://schemas.microsoft.com/win/2004/08/events/event'";

/** A Security event in wevtutil's shape with a record id and extra EventData. */
function secEvent(recordId: number, eventData = `<Data Name='TargetUserName'>alice</Data>`): string {
  return (
    `<Event ${NS}><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>` +
    `<EventID>4624</EventID><Version>2</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>` +
    `<Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2020-09-20T21:08:27.1234567Z'/>` +
    `<EventRecordID>${recordId}</EventRecordID><Correlation/><Execution ProcessID='636' ThreadID='700'/>` +
    `<Channel>Security</Channel><Computer>WKS01.corp.local</Computer><Security/></System>` +
    `<EventData>${eventData}</EventData></Event>`
  );
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

describe('xml reader: shapes', () => {
  it('reads Event Viewer "Save As XML" with an <Events> root and RenderingInfo', async () => {
    const xml =
      '\ufeff<?xml version="1.0" encoding="utf-8" standalone="yes"?>\r\n<Events>' +
      `<Event ${NS}><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/>` +
      `<EventID>4624</EventID><Version>2</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>` +
      `<Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2020-09-20T21:08:27.1234567Z'/>` +
      `<EventRecordID>1001</EventRecordID><Correlation ActivityID='{A1B2C3D4-0000-0000-0000-000000000001}' RelatedActivityID='{A1B2C3D4-0000-0000-0000-000000000002}'/>` +
      `<Execution ProcessID='636' ThreadID='700'/><Channel>Security</Channel><Computer>WKS01.corp.local</Computer>` +
      `<Security UserID='S-1-5-18'/></System><EventData><Data Name='TargetLogonId'>0x2da8840</Data><Data Name='LogonType'>3</Data></EventData>` +
      `<RenderingInfo Culture='en-US'><Message>An account was successfully logged on.</Message><Level>Information</Level>` +
      `<Task>Logon</Task><Opcode>Info</Opcode><Channel>Security</Channel><Provider>Microsoft Windows security auditing.</Provider>` +
      `<Keywords><Keyword>Audit Success</Keyword></Keywords></RenderingInfo></Event>` +
      `<Event ${NS}><System><Provider Name='Service Control Manager' Guid='{555908d1-a6d7-4695-8e1e-26931d2012f4}' EventSourceName='Service Control Manager'/>` +
      `<EventID Qualifiers='16384'>7045</EventID><Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode>` +
      `<Keywords>0x8080000000000000</Keywords><TimeCreated SystemTime='2020-09-20T21:09:00.5Z'/><EventRecordID>55</EventRecordID>` +
      `<Correlation/><Execution ProcessID='612' ThreadID='4480'/><Channel>System</Channel><Computer>WKS01.corp.local</Computer>` +
      `<Security UserID='S-1-5-21-1-2-3-500'/></System><EventData><Data Name='ServiceName'>evil</Data><Data Name='ImagePath'>%COMSPEC% /c calc</Data></EventData>` +
      `<RenderingInfo Culture='en-US'><Message>A service was installed.</Message></RenderingInfo></Event></Events>`;
    const { events, errors } = await readAll(file(xml));
    expect(errors).toEqual([]);
    expect(events).toHaveLength(2);
    const [a, b] = events as [NormalizedEvent, NormalizedEvent];
    expect(a.system).toEqual({
      provider: 'Microsoft-Windows-Security-Auditing',
      providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      eventId: 4624,
      version: 2,
      level: 0,
      task: 12544,
      opcode: 0,
      keywords: '0x8020000000000000',
      recordId: 1001,
      activityId: '{A1B2C3D4-0000-0000-0000-000000000001}',
      relatedActivityId: '{A1B2C3D4-0000-0000-0000-000000000002}',
      processId: 636,
      threadId: 700,
      channel: 'Security',
      computer: 'WKS01.corp.local',
      userSid: 'S-1-5-18',
    });
    expect(a.time).toBe('2020-09-20T21:08:27.1234567Z');
    expect(a.timeSource).toBe('SystemTime');
    expect(a.data).toEqual({ TargetLogonId: '0x2da8840', LogonType: '3' });
    expect(b.system.eventId).toBe(7045);
    expect(b.system.qualifiers).toBe(16384);
    expect(b.system.eventSourceName).toBe('Service Control Manager');
    expect(b.system.channel).toBe('System');
    expect(b.data).toEqual({ ServiceName: 'evil', ImagePath: '%COMSPEC% /c calc' });
    expect(b.time).toBe('2020-09-20T21:09:00.5000000Z');
    expect(b.timePrecision).toBe('ms');
  });

  it('reads wevtutil output (concatenated events, no root) with exact byte offsets', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => makeWevtutilEvent(i, 7));
    const content = texts.join('\r\n') + '\r\n';
    const path = file(content);
    const { events, errors } = await readAll(path);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(40);
    const bytes = readFileSync(path);
    let expectedOffset = 0;
    events.forEach((e, i) => {
      expect(e.source).toEqual({ file: path, format: 'xml', offset: expectedOffset, length: Buffer.byteLength(texts[i]!) });
      expect(bytes.subarray(e.source.offset, e.source.offset + e.source.length).toString('utf8')).toBe(texts[i]);
      expectedOffset += Buffer.byteLength(texts[i]!) + 2;
      const recordId = /<EventRecordID>(\d+)</.exec(texts[i]!)![1];
      expect(e.system.recordId).toBe(Number(recordId));
      const cmd = /<Data Name='CommandLine'>([^<]*)</.exec(texts[i]!)?.[1];
      if (cmd !== undefined) {
        expect(e.data['CommandLine']).toBe(cmd.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&apos;/g, "'").replace(/&amp;/g, '&'));
      }
    });
    // The generator covers four kinds of events.
    expect(new Set(events.map((e) => e.system.eventId))).toEqual(new Set([4688, 4624, 1, 3]));
  });

  it('reads a single event file', async () => {
    const { events, errors } = await readAll(file(`<?xml version="1.0"?>\n${secEvent(9)}\n`));
    expect(errors).toEqual([]);
    expect(events.map((e) => e.system.recordId)).toEqual([9]);
    expect(events[0]!.source.offset).toBe('<?xml version="1.0"?>\n'.length);
  });

  it('skips the evtxexport banner line', async () => {
    const { events, errors } = await readAll(file(`evtxexport 20181227\n\n${secEvent(1)}\n\n${secEvent(2)}\n`));
    expect(errors).toEqual([]);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 2]);
  });

  it('does not split at </Event> inside comments or CDATA, and skips processing instructions', async () => {
    const tricky = secEvent(
      2,
      `<Data Name='A'><![CDATA[</Event><Event>&lt;x&amp;]]></Data><!-- </Event> --><Data Name='B'>b</Data>`,
    );
    const { events, errors } = await readAll(file(`<!-- <Event> -->\n<?pi </Event> ?>\n${secEvent(1)}${tricky}${secEvent(3)}`));
    expect(errors).toEqual([]);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 2, 3]);
    expect(events[1]!.data).toEqual({ A: '</Event><Event>&lt;x&amp;', B: 'b' });
  });

  it('reports a self-closing <Event/> as an error and goes on', async () => {
    const content = `${secEvent(1)}\n<Event ${NS}/>\n${secEvent(2)}`;
    const path = file(content);
    const { events, errors } = await readAll(path);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.offset).toBe(content.indexOf('<Event ', 1));
    expect(errors[0]!.message).toMatch(/EventID/);
  });

  it('reports an event that cannot be built (no time) with its offset', async () => {
    const bad = secEvent(2).replace(/<TimeCreated[^>]*\/>/, '');
    const content = `${secEvent(1)}\n${bad}\n${secEvent(3)}`;
    const path = file(content);
    const { events, errors } = await readAll(path);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 3]);
    expect(errors).toEqual([{ file: path, offset: content.indexOf(bad), message: 'the record has no TimeCreated/@SystemTime' }]);
  });
});

describe('xml reader: values', () => {
  it('maps unnamed Data to Data1…, Binary, and UserData leaves with _2 suffixes', async () => {
    const classic = secEvent(1, `<Data>first</Data><Data></Data><Data>third</Data><Binary>00AA</Binary>`);
    const userData = secEvent(2, '').replace(
      '<EventData></EventData>',
      `<UserData><LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'>` +
        `<SubjectUserName>user01</SubjectUserName><Item>a</Item><Group><Item>b</Item><Item>c</Item></Group><Empty/>` +
        `</LogFileCleared></UserData>`,
    );
    const { events, errors } = await readAll(file(classic + userData));
    expect(errors).toEqual([]);
    expect(events[0]!.data).toEqual({ Data1: 'first', Data2: '', Data3: 'third', Binary: '00AA' });
    expect(events[1]!.data).toEqual({ SubjectUserName: 'user01', Item: 'a', Item_2: 'b', Item_3: 'c', Empty: '' });
  });

  it('keys UserData leaf attributes <Element>.<Attr> before the text, like the EVTX reader', async () => {
    const ev = secEvent(1, '').replace(
      '<EventData></EventData>',
      `<UserData><CertVerify xmlns='http://schemas.microsoft.com/win/2004/08/events' xmlns:x='urn:x'>` +
        `<EventAuxInfo ProcessName='setup&amp;.exe'/><Result value='0'>ok</Result><Result value='1'>again</Result>` +
        `</CertVerify></UserData>`,
    );
    const { events } = await readAll(file(ev));
    expect(Object.entries(events[0]!.data)).toEqual([
      ['EventAuxInfo.ProcessName', 'setup&.exe'],
      ['EventAuxInfo', ''],
      ['Result.value', '0'],
      ['Result', 'ok'],
      ['Result.value_2', '1'],
      ['Result_2', 'again'],
    ]);
  });

  it('normalizes values that are entirely hex, and nothing else', async () => {
    const ev = secEvent(
      1,
      `<Data Name='LogonId'>0x00000000000003e7</Data><Data Name='Zero'>0x0000000000000000</Data><Data Name='Upper'>0x00AB</Data>` +
        `<Data Name='Spaced'> 0x0010</Data><Data Name='Text'>0x0010 bytes</Data><Data Name='Bare'>0x</Data><Data Name='Empty'/>` +
        `<Data Name='Dec'>0010</Data>`,
    );
    const { events } = await readAll(file(ev));
    expect(events[0]!.data).toEqual({
      LogonId: '0x3e7',
      Zero: '0x0',
      Upper: '0xab',
      Spaced: ' 0x0010',
      Text: '0x0010 bytes',
      Bare: '0x',
      Empty: '',
      Dec: '0010',
    });
    expect(events[0]!.system.keywords).toBe('0x8020000000000000');
  });

  it('keeps whitespace, decodes standard entities and character references, keeps strings as strings', async () => {
    const ev = secEvent(
      1,
      `<Data Name='CommandLine'>  powershell.exe -c "a &lt; b &amp;&amp; c"\r\n\tnext line  </Data>` +
        `<Data Name='Refs'>&#x41;&#66;&quot;&apos;&gt;</Data><Data Name='Num'>00042</Data><Data Name='Bool'>true</Data>` +
        `<Data Name='Unknown'>&nbsp;&custom;</Data><Data Name='Ctl'>a\u0001b</Data><Data Name="Attr&amp;Name">v</Data>` +
        `<Data Name='Cdata'><![CDATA[\r\n x\r\ny &#13; ]]></Data><Data\r\n Name='Lf'>a\nb\rc</Data>`,
    );
    const { events, errors } = await readAll(file(ev));
    expect(errors).toEqual([]);
    expect(events[0]!.data).toEqual({
      CommandLine: '  powershell.exe -c "a < b && c"\r\n\tnext line  ',
      Refs: 'AB"\'>',
      Num: '00042',
      Bool: 'true',
      Unknown: '&nbsp;&custom;',
      Ctl: 'a\u0001b',
      'Attr&Name': 'v',
      Cdata: '\r\n x\r\ny &#13; ',
      Lf: 'a\nb\rc',
    });
  });

  it('keeps a hostile Data name as a field, not a prototype', async () => {
    const { events } = await readAll(file(secEvent(1, `<Data Name='__proto__'>x</Data><Data Name='constructor'>y</Data>`)));
    const data = events[0]!.data;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor']);
    expect(data['constructor']).toBe('y');
  });
});

describe('xml reader: encodings', () => {
  const texts = [secEvent(1, `<Data Name='Name'>Ünïcödé 한국어 😀</Data>`), secEvent(2), secEvent(3)];
  const body = `<?xml version="1.0" encoding="UTF-16"?>\r\n<Events>\r\n${texts.join('\r\n')}\r\n</Events>\r\n`;

  async function checkUtf16(buf: Buffer, bom: number, decode: (b: Buffer) => string): Promise<void> {
    const path = file(buf);
    const { events, errors } = await readAll(path);
    expect(errors).toEqual([]);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 2, 3]);
    expect(events[0]!.data['Name']).toBe('Ünïcödé 한국어 😀');
    const bytes = readFileSync(path);
    events.forEach((e, i) => {
      // Offsets and lengths are bytes in the file.
      expect(e.source.offset).toBe(bom + body.indexOf(texts[i]!) * 2);
      expect(e.source.length).toBe(texts[i]!.length * 2);
      expect(decode(bytes.subarray(e.source.offset, e.source.offset + e.source.length))).toBe(texts[i]);
    });
  }

  it('reads UTF-16LE with a BOM', async () => {
    await checkUtf16(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]), 2, (b) => b.toString('utf16le'));
  });

  it('reads UTF-16BE with a BOM', async () => {
    await checkUtf16(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(body)]), 2, (b) => Buffer.from(b).swap16().toString('utf16le'));
  });

  it('reads BOM-less UTF-16LE (detected by the NUL pattern)', async () => {
    await checkUtf16(Buffer.from(body, 'utf16le'), 0, (b) => b.toString('utf16le'));
  });

  it('reads BOM-less UTF-16BE', async () => {
    await checkUtf16(utf16be(body), 0, (b) => Buffer.from(b).swap16().toString('utf16le'));
  });

  it('reads UTF-8 with a BOM, offsets counting the BOM', async () => {
    const path = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(texts.join('\n'))]));
    const { events, errors } = await readAll(path);
    expect(errors).toEqual([]);
    expect(events[0]!.source.offset).toBe(3);
    expect(events[0]!.data['Name']).toBe('Ünïcödé 한국어 😀');
  });

  it('reports invalid UTF-8 in one event with the file and byte offset; the others are read', async () => {
    const a = Buffer.from(secEvent(1) + '\n');
    const bad = Buffer.from(secEvent(2, `<Data Name='X'>ok\u00ff</Data>`));
    const badAt = bad.indexOf(Buffer.from([0xc3, 0xbf]));
    bad[badAt] = 0xff; // a byte that never occurs in UTF-8
    const c = Buffer.from('\n' + secEvent(3));
    const path = file(Buffer.concat([a, bad, c]));
    const { events, errors } = await readAll(path);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.file).toBe(path);
    expect(errors[0]!.offset).toBe(a.length);
    const byteOffset = a.length + badAt;
    expect(errors[0]!.message).toContain(`0x${byteOffset.toString(16)}`);
    expect(errors[0]!.message).toMatch(/invalid UTF-8/);
    expect(formatReadError(errors[0]!)).toContain(`${path} offset 0x${a.length.toString(16)}`);
  });

  it('reports a lone surrogate in UTF-16LE with its byte offset', async () => {
    const text = `${secEvent(1)}\n${secEvent(2, "<Data Name='X'>\uD800x</Data>")}`;
    const buf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const path = file(buf);
    const { events, errors } = await readAll(path);
    expect(events.map((e) => e.system.recordId)).toEqual([1]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.offset).toBe(2 + text.indexOf('<Event ', 1) * 2);
    expect(errors[0]!.message).toContain(`0x${(2 + text.indexOf('\uD800') * 2).toString(16)}`);
  });
});

describe('xml reader: bad input', () => {
  it('reads nothing from an empty or blank file, without error', async () => {
    expect((await readAll(file(''))).items).toEqual([]);
    expect((await readAll(file('  \r\n'))).items).toEqual([]);
  });

  it('reports a file that is not XML', async () => {
    for (const content of ['{"EventID": 4624}\n', 'ElfFile\0\0\0\0\x01\x02', 'just some text']) {
      const path = file(content);
      const { items } = await readAll(path);
      expect(items).toHaveLength(1);
      const error = (items[0] as { kind: 'error'; error: ReadError }).error;
      expect(error.file).toBe(path);
      expect(error.offset).toBe(0);
      expect(error.message).toMatch(/^not XML/);
    }
  });

  it('reports XML without any <Event>', async () => {
    const path = file('<?xml version="1.0"?><root><item/></root>');
    const { events, errors } = await readAll(path);
    expect(events).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/no <Event> element.*<root>/);
  });

  it('reports an event truncated mid-way with its offset; the events before it are read', async () => {
    const whole = `${secEvent(1)}\n${secEvent(2)}\n`;
    const cut = secEvent(3).slice(0, 300);
    const path = file(whole + cut);
    const { events, errors } = await readAll(path);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: path, offset: whole.length });
    expect(errors[0]!.message).toMatch(/truncated/);
  });

  it('reports an event cut off by the next <Event> and resynchronizes', async () => {
    const cut = secEvent(1).slice(0, 400);
    const content = `${cut}\n${secEvent(2)}`;
    const { events, errors } = await readAll(file(content));
    expect(events.map((e) => e.system.recordId)).toEqual([2]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.offset).toBe(0);
    expect(errors[0]!.message).toContain(`0x${(cut.length + 1).toString(16)}`);
  });

  it('never expands a billion-laughs DOCTYPE', async () => {
    const lol =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
      Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n') +
      '\n]>\n<lolz>&lol9;</lolz>\n';
    const path = file(lol);
    const { items, events, errors } = await readAll(path);
    expect(events).toEqual([]);
    expect(errors[0]).toMatchObject({ file: path, offset: lol.indexOf('<!DOCTYPE') });
    expect(errors[0]!.message).toMatch(/DOCTYPE.*never expanded/);
    expect(dump(items)).not.toContain('lollol');
  });

  it('skips a DOCTYPE before events and leaves its entities unexpanded in values', async () => {
    const content =
      `<?xml version="1.0"?>\n<!DOCTYPE Events [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;"> <!-- ] > ' -->]>\n<Events>` +
      secEvent(1, `<Data Name='X'>&lol2;</Data>`) +
      '</Events>';
    const path = file(content);
    const { events, errors } = await readAll(path);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.offset).toBe(content.indexOf('<!DOCTYPE'));
    expect(events).toHaveLength(1);
    expect(events[0]!.data['X']).toBe('&lol2;');
  });

  it('never resolves an external entity', async () => {
    const content =
      `<?xml version="1.0"?>\n<!DOCTYPE Event [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY y PUBLIC "-//X//EN" "http://127.0.0.1/x">]>\n` +
      secEvent(1, `<Data Name='X'>&x;</Data><Data Name='Y'>&y;</Data>`);
    const path = file(content);
    const { items, events, errors } = await readAll(path);
    expect(errors.map((e) => e.offset)).toEqual([content.indexOf('<!DOCTYPE')]);
    expect(formatReadError(errors[0]!)).toContain(`${path} offset 0x${content.indexOf('<!DOCTYPE').toString(16)}`);
    expect(events[0]!.data).toEqual({ X: '&x;', Y: '&y;' });
    expect(dump(items)).not.toMatch(/root:|nologin|\/bin\/(ba)?sh/);
  });

  it('reports a DOCTYPE inside an event and skips that event', async () => {
    const bad = secEvent(2).replace('<System>', '<!DOCTYPE x [<!ENTITY a "b">]><System>');
    const content = `${secEvent(1)}${bad}${secEvent(3)}`;
    const { events, errors } = await readAll(file(content));
    expect(events.map((e) => e.system.recordId)).toEqual([1, 3]);
    expect(errors.map((e) => e.offset)).toEqual([content.indexOf(bad), content.indexOf('<!DOCTYPE')]);
  });
});

describe('xml reader: size limits', () => {
  it('parses a single 50 MB event', async () => {
    const value = 'A'.repeat(1000) + ' \r\n';
    const big = value.repeat(Math.ceil((50 * 1024 * 1024) / value.length));
    const path = file(secEvent(1, `<Data Name='ScriptBlockText'>${big}</Data>`) + '\n' + secEvent(2));
    const { events, errors } = await readAll(path);
    expect(errors).toEqual([]);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 2]);
    expect(events[0]!.data['ScriptBlockText']!.length).toBe(big.length);
    expect(events[0]!.source.length).toBeGreaterThan(50 * 1024 * 1024);
  });

  it('reports an event of too many tags instead of parsing it for minutes', async () => {
    const flood = secEvent(2, '<Data>x</Data>'.repeat(300_000));
    const content = `${secEvent(1)}\n${flood}\n${secEvent(3)}`;
    const { events, errors } = await readAll(file(content));
    expect(events.map((e) => e.system.recordId)).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.offset).toBe(content.indexOf(flood));
    expect(errors[0]!.message).toMatch(/more than 200000 tags/);
  });

  it('numbers many repeated UserData leaves in order', async () => {
    const ev = secEvent(1, '').replace('<EventData></EventData>', `<UserData><R>${'<Item>v</Item>'.repeat(30_000)}<Item>last</Item></R></UserData>`);
    const { events, errors } = await readAll(file(ev));
    expect(errors).toEqual([]);
    expect(Object.keys(events[0]!.data)).toHaveLength(30_001);
    expect(events[0]!.data['Item_30001']).toBe('last');
  });

  it('reports an event over the size cap with offset and size, and resyncs at the next event', async () => {
    const reader = createXmlReader({ maxEventBytes: 1024 * 1024, chunkBytes: 64 * 1024 });
    const huge = secEvent(2, `<Data Name='X'>${'B'.repeat(3 * 1024 * 1024)}</Data>`);
    const content = `${secEvent(1)}\n${huge}\n${secEvent(3)}`;
    const path = file(content);
    const { events, errors } = await readAll(path, reader);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: path, offset: content.indexOf(huge) });
    expect(errors[0]!.message).toContain(`${huge.length} bytes`);
  });

  it('does not buffer an oversized event past the cap', () => {
    const cap = 256 * 1024;
    const chunk = 32 * 1024;
    const scanner = new XmlEventScanner({ encoding: 'utf8', bomLength: 0, maxEventBytes: cap });
    let maxHeld = 0;
    const outputs = [...scanner.push(Buffer.from(`<Event ${NS}><EventData><Data>`))];
    const filler = Buffer.alloc(chunk, 0x43);
    for (let k = 0; k < 200; k++) {
      outputs.push(...scanner.push(filler));
      maxHeld = Math.max(maxHeld, scanner.bufferedBytes);
    }
    outputs.push(...scanner.push(Buffer.from('</Data></EventData></Event>')));
    outputs.push(...scanner.finish());
    expect(maxHeld).toBeLessThanOrEqual(cap + 2 * chunk);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ kind: 'error', offset: 0 });
  });

  it('reports an oversized event that the file cuts off', async () => {
    const reader = createXmlReader({ maxEventBytes: 64 * 1024, chunkBytes: 16 * 1024 });
    const path = file(`${secEvent(1)}\n<Event ${NS}><EventData><Data>${'x'.repeat(300 * 1024)}`);
    const { events, errors } = await readAll(path, reader);
    expect(events).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/over the 65536-byte limit and truncated/);
  });
});

describe('xml reader: scanning across chunk boundaries', () => {
  it('gives the same result whatever the chunk size (UTF-8 and UTF-16)', async () => {
    const content =
      `<?xml version="1.0"?><!-- c --><Events>` +
      Array.from({ length: 12 }, (_, i) => makeWevtutilEvent(i, 3)).join('\n') +
      secEvent(99, `<Data Name='C'><![CDATA[x]]]]></Data>`) +
      '</Events>';
    for (const enc of ['utf8', 'utf16le'] as const) {
      const path = file(Buffer.from(content, enc));
      const reference = await readAll(path, createXmlReader({ chunkBytes: 1 << 20 }));
      expect(reference.errors).toEqual([]);
      expect(reference.events).toHaveLength(13);
      for (const chunkBytes of [1, 3, 7, 64, 1000]) {
        const got = await readAll(path, createXmlReader({ chunkBytes }));
        expect(got.items).toEqual(reference.items);
      }
    }
  });
});

describe('xml reader: readRaw', () => {
  it('round-trips UTF-8, UTF-16LE and UTF-16BE records', async () => {
    const texts = [secEvent(1, `<Data Name='N'>héllo 😀</Data>`), secEvent(2)];
    const body = `<Events>${texts.join('\r\n')}</Events>`;
    const variants: Buffer[] = [
      Buffer.from(body, 'utf8'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(body)]),
      Buffer.from(body, 'utf16le'),
    ];
    for (const buf of variants) {
      const { events } = await readAll(file(buf));
      expect(events).toHaveLength(2);
      for (let i = 0; i < 2; i++) {
        expect(await xmlReader.readRaw(events[i]!.source, 1_000_000)).toEqual({ text: texts[i], truncated: false });
      }
      const clipped = await xmlReader.readRaw(events[0]!.source, 20);
      expect(clipped).toEqual({ text: texts[0]!.slice(0, 20), truncated: true });
    }
  });

  it('refuses a pointer past the end of the file', async () => {
    const path = file(secEvent(1));
    await expect(xmlReader.readRaw({ file: path, format: 'xml', offset: 10, length: 1_000_000 }, 100)).rejects.toThrow(/past the end/);
  });
});

describe('xml reader: progress, abort, workers', () => {
  it('reports progress up to the file size and honours abort', async () => {
    const path = join(dir, 'progress.xml');
    const stats = await writeWevtutilXml(path, 3 * 1024 * 1024);
    const seen: number[] = [];
    let events = 0;
    for await (const batch of createXmlReader({ chunkBytes: 256 * 1024 }).read(path, { onProgress: (b) => seen.push(b), batchSize: 100 })) {
      events += batch.filter((i) => i.kind === 'event').length;
    }
    expect(events).toBe(stats.events);
    expect(seen[seen.length - 1]).toBe(stats.bytes);

    const controller = new AbortController();
    let batches = 0;
    for await (const batch of createXmlReader({ chunkBytes: 64 * 1024 }).read(path, { signal: controller.signal, batchSize: 50 })) {
      expect(batch.length).toBeGreaterThan(0);
      batches++;
      controller.abort();
    }
    expect(batches).toBe(1);
  });

  it('gives the same items with the worker pool as inline (pool when a compiled worker exists)', async () => {
    const script = resolveWorkerScript(new URL('./xml-reader.ts', import.meta.url).href, './xml-worker.js');
    if (!script) console.warn('[xml-reader] no compiled worker in dist/node: the pool test runs inline only');
    const path = join(dir, 'pool.xml');
    await writeWevtutilXml(path, 4 * 1024 * 1024, { seed: 5 });
    // Sprinkle an error in: the pool must keep scanner errors in place.
    const content = readFileSync(path, 'utf8');
    const cut = content.indexOf('<Event ', 2 * 1024 * 1024);
    writeFileSync(path, content.slice(0, cut) + '<!DOCTYPE x>' + content.slice(cut));
    const inline = await readAll(path, createXmlReader({ workers: 0 }));
    const pooled = await readAll(path, createXmlReader({ workers: 2, poolMinBytes: 0 }));
    expect(inline.errors).toHaveLength(1);
    expect(pooled.items).toEqual(inline.items);
  });
});
