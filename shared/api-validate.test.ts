import { describe, expect, it } from 'vitest';
import { API_METHODS } from './api.js';
import { ApiValidationError, isApiMethod, validateArgs } from './api-validate.js';

describe('API argument validation', () => {
  it('knows every method', () => {
    for (const m of API_METHODS) expect(isApiMethod(m)).toBe(true);
    expect(isApiMethod('constructor')).toBe(false);
    expect(isApiMethod('__proto__')).toBe(false);
  });
  it('accepts a well-formed query', () => {
    const [q] = validateArgs('queryEvents', [{ filter: { eventIds: [4688], text: 'powershell' }, sort: 'asc', offset: 0, limit: 100 }]);
    expect(q.filter.eventIds).toEqual([4688]);
  });
  it('rejects what the contract does not allow', () => {
    const bad: unknown[][] = [
      [{ filter: {}, sort: 'asc', offset: -1, limit: 10 }],
      [{ filter: {}, sort: 'asc', offset: 0, limit: 1_000_000 }],
      [{ filter: { eventIds: ['4688'] }, sort: 'asc', offset: 0, limit: 10 }],
      [{ filter: { extra: 1 }, sort: 'asc', offset: 0, limit: 10 }],
      [{ filter: {}, sort: 'asc', offset: 0, limit: 10, sql: 'DROP TABLE events' }],
      [{ filter: { from: 'yesterday' }, sort: 'asc', offset: 0, limit: 10 }],
      [],
    ];
    for (const args of bad) expect(() => validateArgs('queryEvents', args)).toThrow(ApiValidationError);
    expect(() => validateArgs('openEvidence', [{ paths: [] }])).toThrow(ApiValidationError);
    expect(() => validateArgs('openEvidence', [{ paths: ['a\u0000b'] }])).toThrow(ApiValidationError);
    expect(() => validateArgs('getEventDetail', ['1'])).toThrow(ApiValidationError);
    expect(() => validateArgs('getCaseOverview', [1])).toThrow(ApiValidationError);
  });
});

describe('views API argument validation', () => {
  const note = { target: { kind: 'event', id: '42' }, label: '7045 on WS01', bookmarked: true, tags: ['persistence'], text: 'x' };
  it('accepts a histogram request and a note', () => {
    expect(validateArgs('getEventHistogram', [{ filter: { hosts: ['WS01'] }, buckets: 200 }])[0].buckets).toBe(200);
    expect(validateArgs('saveNote', [note])[0]).toEqual(note);
    expect(validateArgs('deleteNote', [3])).toEqual([3]);
    expect(validateArgs('listNotes', [])).toEqual([]);
    expect(validateArgs('getCoverage', [])).toEqual([]);
  });
  it('rejects bad histogram requests and notes', () => {
    expect(() => validateArgs('getEventHistogram', [{ filter: {}, buckets: 0 }])).toThrow(ApiValidationError);
    expect(() => validateArgs('getEventHistogram', [{ filter: {}, buckets: 1e6 }])).toThrow(ApiValidationError);
    expect(() => validateArgs('getEventHistogram', [{ filter: {}, buckets: 10, x: 1 }])).toThrow(ApiValidationError);
    const bad: unknown[] = [
      { ...note, target: { kind: 'file', id: '1' } },
      { ...note, target: { kind: 'event', id: 'abc' } },
      { ...note, target: { kind: 'session', id: '' } },
      { ...note, bookmarked: 'yes' },
      { ...note, tags: [''] },
      { ...note, tags: 'a' },
      { ...note, text: 'a\u0000' },
      { ...note, extra: 1 },
    ];
    for (const n of bad) expect(() => validateArgs('saveNote', [n])).toThrow(ApiValidationError);
    expect(() => validateArgs('deleteNote', [0])).toThrow(ApiValidationError);
    expect(() => validateArgs('deleteNote', ['1'])).toThrow(ApiValidationError);
    expect(() => validateArgs('listNotes', [1])).toThrow(ApiValidationError);
  });
});
