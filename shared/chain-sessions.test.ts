import { describe, expect, it } from 'vitest';
import { sessionsLedTo } from './chain-sessions.js';

describe('sessionsLedTo', () => {
  it('lists the other sessions of a chain once each, in the order first met', () => {
    const steps = [{ sessionId: 's1' }, { sessionId: 's7' }, { sessionId: 's3' }, { sessionId: 's7' }, { sessionId: 's1' }, { sessionId: 's3' }];
    expect(sessionsLedTo(steps, 's1')).toEqual(['s7', 's3']);
    expect(sessionsLedTo(steps, 's7')).toEqual(['s1', 's3']);
    expect(sessionsLedTo([], 's1')).toEqual([]);
  });
});
