import { describe, expect, it } from 'vitest';
import { newDataObject } from './json-data-object.js';

describe('newDataObject', () => {
  it('holds fields like {} does: same keys in the same order, same prototype, same JSON', () => {
    const keySets = [
      [],
      ['a'],
      ['z', '10', '2', 'a', '__proto__x', 'constructor', 'toString'],
      Array.from({ length: 130 }, (_, i) => `Field${i}`),
      Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? String(i) : `k${i}`)),
    ];
    for (const keys of keySets) {
      const made = newDataObject();
      const plain: Record<string, string> = {};
      keys.forEach((k, i) => {
        made[k] = `v${i}`;
        plain[k] = `v${i}`;
      });
      expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
      expect(Object.keys(made)).toEqual(Object.keys(plain));
      expect(JSON.stringify(made)).toBe(JSON.stringify(plain));
      expect(made).toStrictEqual(plain);
      for (const k of keys) expect(k in made).toBe(true);
      expect('s0' in made).toBe(false);
    }
  });
});
