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
