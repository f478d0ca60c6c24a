import { describe, expect, it } from 'vitest';
import { buildEvent } from './build-event.js';
import { summarize } from './event-views.js';

/** The generic summary as it was first written (Object.entries), to hold the faster one to it. */
function reference(data: Record<string, string>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    parts.push(`${key}=${value.length > 80 ? value.slice(0, 79) + '…' : value}`);
    if (parts.length >= 6) break;
  }
  const text = parts.join(' ');
  return text.length > 400 ? text.slice(0, 399) + '…' : text;
}

function event(data: Record<string, string>) {
  return buildEvent(
    { provider: 'Some-Provider', eventId: 4242, systemTime: '2024-05-01T10:00:00.0000000Z', channel: 'Application', computer: 'WS1' },
    data,
    { file: 'x.evtx', format: 'evtx', offset: 0, length: 1 },
  );
}

describe('generic summary', () => {
  it('lists the first six values in key order, long ones cut, as Object.entries gives them', () => {
    const proto: Record<string, string> = {};
    Object.defineProperty(proto, '__proto__', { value: 'p', enumerable: true, writable: true, configurable: true });
    proto['b'] = 'x'.repeat(100);
    const cases: Record<string, string>[] = [
      {},
      { a: '1' },
      { z: '1', '10': 'ten', '2': 'two', a: 'é日本', b: '', c: 'c', d: 'd', e: 'e' },
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`Key${i}`, 'v'.repeat(i * 5)])),
      proto,
    ];
    for (const data of cases) {
      expect(summarize(event(data))).toBe(reference(data));
    }
  });
});
