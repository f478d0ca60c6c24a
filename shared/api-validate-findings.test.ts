import { describe, expect, it } from 'vitest';
import { ApiValidationError, validateArgs } from './api-validate.js';

describe('validation of the findings and allow-list methods', () => {
  it('listFindings: offsets, limits, levels, booleans, no extra fields', () => {
    expect(validateArgs('listFindings', [{ offset: 0, limit: 50, minLevel: 'high', suppressed: false, ruleId: 'r', sessionId: 's1' }])).toEqual([
      { offset: 0, limit: 50, minLevel: 'high', suppressed: false, ruleId: 'r', sessionId: 's1' },
    ]);
    expect(validateArgs('listFindings', [{ offset: 0, limit: 5, processId: 'p12' }])).toEqual([{ offset: 0, limit: 5, processId: 'p12' }]);
    expect(validateArgs('listFindings', [{ offset: 0, limit: 5, eventId: 41 }])).toEqual([{ offset: 0, limit: 5, eventId: 41 }]);
    expect(validateArgs('listFindings', [{ offset: 0, limit: 5, host: 'WS01.corp' }])).toEqual([{ offset: 0, limit: 5, host: 'WS01.corp' }]);
    expect(() => validateArgs('listFindings', [{ offset: 0, limit: 5, host: 7 }])).toThrow('query.host must be a string');
    expect(validateArgs('getHostProcesses', ['WS01'])).toEqual(['WS01']);
    expect(() => validateArgs('getHostProcesses', [])).toThrow('takes one argument');
    expect(() => validateArgs('getHostProcesses', ['x'.repeat(1025)])).toThrow('host');
    expect(validateArgs('findProcesses', [{ text: 'mimikatz', limit: 20 }])).toEqual([{ text: 'mimikatz', limit: 20 }]);
    expect(() => validateArgs('findProcesses', [{ text: 'x', limit: 201 }])).toThrow('query.limit');
    expect(() => validateArgs('findProcesses', [{ text: 'x', limit: 5, sql: 1 }])).toThrow('unexpected field "sql"');
    expect(() => validateArgs('findProcesses', ['x'])).toThrow('query must be an object');
    expect(() => validateArgs('listFindings', [{ offset: 0, limit: 5, eventId: -1 }])).toThrow('query.eventId');
    expect(() => validateArgs('listFindings', [{ offset: 0, limit: 5, eventId: '41' }])).toThrow('query.eventId');
    expect(() => validateArgs('listFindings', [{ offset: 0, limit: 0 }])).toThrow('query.limit must be between 1 and 5000');
    expect(() => validateArgs('listFindings', [{ offset: -1, limit: 5 }])).toThrow(ApiValidationError);
    expect(() => validateArgs('listFindings', [{ offset: 0, limit: 5, minLevel: 'severe' }])).toThrow('query.minLevel must be one of');
    expect(() => validateArgs('listFindings', [{ offset: 0, limit: 5, suppressed: 'yes' }])).toThrow('query.suppressed must be a boolean');
    expect(() => validateArgs('listFindings', [{ offset: 0, limit: 5, sql: '1' }])).toThrow('unexpected field "sql"');
    expect(() => validateArgs('listFindings', [])).toThrow('takes one argument');
  });

  it('addAllowListEntry checks the entry; the others check their one string', () => {
    const entry = { kind: 'allow', ruleId: '*', conditions: [{ kind: 'host', host: 'SCAN01', tag: 'scanner' }], reason: 'scanner', by: 'me' };
    expect(validateArgs('addAllowListEntry', [entry])).toEqual([entry]);
    expect(() => validateArgs('addAllowListEntry', [{ ...entry, conditions: [{ kind: 'host', host: 'x' }] }])).toThrow(ApiValidationError);
    expect(() => validateArgs('addAllowListEntry', [{ ...entry, conditions: [{ kind: 'host', host: 'x' }] }])).toThrow('entry.conditions[0].tag must be a string');
    expect(() => validateArgs('removeAllowListEntry', [42])).toThrow('id must be a string');
    expect(() => validateArgs('getHuntingQueries', ['a\u0000b'])).toThrow('NUL');
    expect(validateArgs('importAllowList', ['format: chainline-allowlist'])).toEqual(['format: chainline-allowlist']);
    expect(() => validateArgs('importAllowList', [{}])).toThrow('yamlText must be a string');
    for (const m of ['getFindingsSummary', 'getAllowList', 'exportAllowList', 'getAttackLayer', 'getBaselineCandidates'] as const) {
      expect(validateArgs(m, [])).toEqual([]);
      expect(() => validateArgs(m, [1])).toThrow('takes no arguments');
    }
  });
});
