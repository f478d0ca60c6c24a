import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../testing/seeded-random.js';
import { AhoCorasick, ANYWHERE, AT_END, AT_START } from './aho-corasick.js';

type Needle = { needle: string; item: number; anchor: number };

/** Every (item) a plain search finds, once per occurrence, sorted. */
function naive(needles: readonly Needle[], s: string): number[] {
  const out: number[] = [];
  for (const n of needles)
    for (let at = s.indexOf(n.needle); at !== -1; at = s.indexOf(n.needle, at + 1)) {
      if (n.anchor === AT_START && at !== 0) continue;
      if (n.anchor === AT_END && at + n.needle.length !== s.length) continue;
      out.push(n.item);
    }
  return out.sort((a, b) => a - b);
}

function scanned(ac: AhoCorasick, s: string): number[] {
  const out: number[] = [];
  ac.scan(s, out);
  return out.sort((a, b) => a - b);
}

describe('AhoCorasick', () => {
  it('finds overlapping needles, needles inside needles and repeated occurrences', () => {
    const needles: Needle[] = ['he', 'she', 'his', 'hers', 'e', 'ss'].map((needle, item) => ({ needle, item, anchor: ANYWHERE }));
    const ac = AhoCorasick.build(needles) as AhoCorasick;
    for (const s of ['ushers', 'hishershe', 'sss', '', 'xyz', 'he said: she has his hers']) expect(scanned(ac, s), s).toEqual(naive(needles, s));
  });

  it('honours start and end anchors, and answers the first hit when given no output', () => {
    const needles: Needle[] = [
      { needle: 'cmd', item: 1, anchor: AT_START },
      { needle: '.exe', item: 2, anchor: AT_END },
      { needle: 'exe', item: 3, anchor: ANYWHERE },
    ];
    const ac = AhoCorasick.build(needles) as AhoCorasick;
    expect(scanned(ac, 'cmd.exe')).toEqual([1, 2, 3]);
    expect(scanned(ac, 'xcmd.exe x')).toEqual([3]);
    expect(ac.scan('a.exe', null)).toBe(true);
    expect(ac.scan('a.ex', null)).toBe(false);
    expect(AhoCorasick.build([{ needle: 'cmd', item: 1, anchor: AT_START }])?.scan('xcmd', null)).toBe(false);
  });

  it('treats non-ASCII characters as in no needle, and says whether it saw one', () => {
    const ac = AhoCorasick.build([{ needle: 'ab', item: 1, anchor: ANYWHERE }]) as AhoCorasick;
    expect(scanned(ac, 'a\u0430b ab')).toEqual([1]);
    expect(ac.sawNonAscii).toBe(true);
    expect(scanned(ac, 'ab')).toEqual([1]);
    expect(ac.sawNonAscii).toBe(false);
  });

  it('refuses non-ASCII or empty needles (the caller then keeps a gram index)', () => {
    expect(AhoCorasick.build([{ needle: 'caf\u00e9', item: 1, anchor: ANYWHERE }])).toBeNull();
    expect(AhoCorasick.build([{ needle: '', item: 1, anchor: ANYWHERE }])).toBeNull();
  });

  it('agrees with a plain search on random needles and strings', () => {
    const rnd = seededRandom(7);
    const alphabet = 'abc\\. -x';
    const word = (max: number): string => {
      let w = '';
      const n = 1 + Math.floor(rnd() * max);
      for (let i = 0; i < n; i++) w += alphabet[Math.floor(rnd() * alphabet.length)];
      return w;
    };
    for (let round = 0; round < 50; round++) {
      const needles: Needle[] = [];
      const count = 1 + Math.floor(rnd() * 40);
      for (let i = 0; i < count; i++) needles.push({ needle: word(6), item: i, anchor: Math.floor(rnd() * 3) });
      const ac = AhoCorasick.build(needles) as AhoCorasick;
      for (let k = 0; k < 20; k++) {
        const s = word(60);
        expect(scanned(ac, s), `${JSON.stringify(needles)} in ${JSON.stringify(s)}`).toEqual(naive(needles, s));
        expect(ac.scan(s, null)).toBe(naive(needles, s).length > 0);
      }
    }
  });
});
