// buildEvent's System object is made by a constructor sized for its optional fields: it must
// still be the plain object a literal would be (prototype, keys in order, nothing extra), and
// buildEventAt must make the same event as buildEvent given the same time.
import { describe, expect, it } from 'vitest';
import { buildEvent, buildEventAt, EventBuildError, type RawSystem } from './build-event.js';
import type { SourcePointer } from './events.js';

const source: SourcePointer = { file: 'x.evtx', format: 'evtx', offset: 4608, length: 100, chunk: 0 };

describe('buildEvent System object', () => {
  it('is a plain object with the fields present, in order, and no others', () => {
    const raw: RawSystem = { provider: 'P', eventId: 4624, level: '0', keywords: '0x8020000000000000', recordId: 7, processId: 600, channel: 'Security', computer: 'WS1' };
    const e = buildEvent(raw, {}, source, { time: { ticks: 1n, precision: '100ns', source: 'SystemTime' } });
    expect(Object.getPrototypeOf(e.system)).toBe(Object.prototype);
    expect(e.system.constructor).toBe(Object);
    expect(Object.keys(e.system)).toEqual(['provider', 'channel', 'computer', 'eventId', 'level', 'keywords', 'recordId', 'processId']);
    expect(e.system).toStrictEqual({ provider: 'P', channel: 'Security', computer: 'WS1', eventId: 4624, level: 0, keywords: '0x8020000000000000', recordId: 7, processId: 600 });
    expect(JSON.stringify(e.system)).toBe('{"provider":"P","channel":"Security","computer":"WS1","eventId":4624,"level":0,"keywords":"0x8020000000000000","recordId":7,"processId":600}');
  });

  it('holds every optional field when all are given', () => {
    const raw: RawSystem = {
      provider: 'P',
      providerGuid: '{G}',
      eventSourceName: 'S',
      eventId: '1',
      qualifiers: 2,
      version: 3,
      level: 4,
      task: 5,
      opcode: 6,
      keywords: '0x10',
      recordId: '8',
      activityId: '{A}',
      relatedActivityId: '{R}',
      processId: '0x10',
      threadId: 11,
      channel: 'C',
      computer: 'M',
      userSid: 'S-1-5-18',
    };
    const e = buildEvent(raw, {}, source, { time: { ticks: 1n, precision: '100ns', source: 'SystemTime' } });
    expect(Object.keys(e.system)).toEqual([
      'provider', 'channel', 'computer', 'eventId', 'providerGuid', 'eventSourceName', 'qualifiers', 'version', 'level', 'task', 'opcode',
      'keywords', 'recordId', 'activityId', 'relatedActivityId', 'processId', 'threadId', 'userSid',
    ]);
    expect(e.system.processId).toBe(16);
  });
});

describe('buildEventAt', () => {
  it('makes the event buildEvent makes with that time, and the same error without an event id', () => {
    const raw: RawSystem = { provider: 'P', eventId: 1, channel: 'C', computer: 'M' };
    const data = { A: 'a' };
    const at = buildEventAt(raw, data, source, 16_000_000_000_000_000n, '100ns', 'SystemTime', true, 'chunk 0: header checksum mismatch');
    const viaOptions = buildEvent(raw, data, source, {
      time: { ticks: 16_000_000_000_000_000n, precision: '100ns', source: 'SystemTime' },
      recovered: true,
      suspect: 'chunk 0: header checksum mismatch',
    });
    expect(at).toStrictEqual(viaOptions);
    expect(at.time).toBe('2020-09-13T12:26:40.0000000Z');
    expect(() => buildEventAt({ provider: 'P' }, {}, source, 1n, '100ns', 'SystemTime', false, undefined)).toThrow(EventBuildError);
  });
});
