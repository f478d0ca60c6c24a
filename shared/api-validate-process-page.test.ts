import { describe, expect, it } from 'vitest';
import { validateArgs } from './api-validate.js';

describe('validation of getProcessPage', () => {
  it('takes a scope, an id, an offset and a limit up to the page size, nothing else', () => {
    const ok = { scope: 'session', id: 's1', offset: 1000, limit: 1000 };
    expect(validateArgs('getProcessPage', [ok])).toEqual([ok]);
    expect(validateArgs('getProcessPage', [{ scope: 'host', id: 'WS01.corp', offset: 0, limit: 1 }])).toEqual([{ scope: 'host', id: 'WS01.corp', offset: 0, limit: 1 }]);
    expect(() => validateArgs('getProcessPage', [])).toThrow('takes one argument');
    expect(() => validateArgs('getProcessPage', ['s1'])).toThrow('request must be an object');
    expect(validateArgs('getProcessPage', [{ ...ok, scope: 'chain' }])).toEqual([{ ...ok, scope: 'chain' }]);
    expect(() => validateArgs('getProcessPage', [{ ...ok, scope: 'chain', id: 's'.repeat(65) }])).toThrow('request.id');
    expect(() => validateArgs('getProcessPage', [{ ...ok, scope: 'case' }])).toThrow('request.scope must be "session", "host" or "chain"');
    expect(() => validateArgs('getProcessPage', [{ ...ok, id: 7 }])).toThrow('request.id must be a string');
    expect(() => validateArgs('getProcessPage', [{ ...ok, id: 's'.repeat(65) }])).toThrow('request.id');
    expect(validateArgs('getProcessPage', [{ ...ok, scope: 'host', id: 'h'.repeat(1024) }])).toHaveLength(1);
    expect(() => validateArgs('getProcessPage', [{ ...ok, offset: -1 }])).toThrow('request.offset');
    expect(() => validateArgs('getProcessPage', [{ ...ok, limit: 0 }])).toThrow('request.limit must be between 1 and 5000');
    expect(() => validateArgs('getProcessPage', [{ ...ok, limit: 5001 }])).toThrow('request.limit');
    expect(() => validateArgs('getProcessPage', [{ ...ok, sql: 1 }])).toThrow('unexpected field "sql"');
  });
});

describe('validation of getSessionChainPage', () => {
  it('takes a session id, an offset and a limit up to the page size, nothing else', () => {
    const ok = { sessionId: 's1', offset: 2000, limit: 2000 };
    expect(validateArgs('getSessionChainPage', [ok])).toEqual([ok]);
    expect(() => validateArgs('getSessionChainPage', [])).toThrow('takes one argument');
    expect(() => validateArgs('getSessionChainPage', ['s1'])).toThrow('request must be an object');
    expect(() => validateArgs('getSessionChainPage', [{ ...ok, sessionId: 7 }])).toThrow('request.sessionId must be a string');
    expect(() => validateArgs('getSessionChainPage', [{ ...ok, sessionId: 's'.repeat(65) }])).toThrow('request.sessionId');
    expect(() => validateArgs('getSessionChainPage', [{ ...ok, offset: -1 }])).toThrow('request.offset');
    expect(() => validateArgs('getSessionChainPage', [{ ...ok, offset: 1.5 }])).toThrow('request.offset');
    expect(() => validateArgs('getSessionChainPage', [{ ...ok, limit: 0 }])).toThrow('request.limit must be between 1 and 5000');
    expect(() => validateArgs('getSessionChainPage', [{ ...ok, limit: 5001 }])).toThrow('request.limit');
    expect(() => validateArgs('getSessionChainPage', [{ ...ok, scope: 'session' }])).toThrow('unexpected field "scope"');
  });
});
