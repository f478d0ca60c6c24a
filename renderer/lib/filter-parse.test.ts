import { describe, expect, it } from 'vitest';
import { normalizeFilterText, parseEventIds } from './filter-parse.js';

describe('parseEventIds', () => {
  it('parses a comma-separated list with spaces', () => {
    expect(parseEventIds('4624, 4688')).toEqual({ ids: [4624, 4688], invalid: [] });
  });
  it('accepts whitespace and semicolons as separators and drops duplicates', () => {
    expect(parseEventIds(' 1 4104;4104,  7045 ').ids).toEqual([1, 4104, 7045]);
  });
  it('expands short ranges', () => {
    expect(parseEventIds('4624-4626').ids).toEqual([4624, 4625, 4626]);
  });
  it('reports tokens that are not event ids', () => {
    const r = parseEventIds('4624, abc, 70000, 5-1, -3');
    expect(r.ids).toEqual([4624]);
    expect(r.invalid).toEqual(['abc', '70000', '5-1', '-3']);
  });
  it('rejects huge ranges instead of expanding them', () => {
    expect(parseEventIds('0-65535')).toEqual({ ids: [], invalid: ['0-65535'] });
  });
  it('returns nothing for empty input', () => {
    expect(parseEventIds('  ,, ')).toEqual({ ids: [], invalid: [] });
  });
});

describe('normalizeFilterText', () => {
  it('removes NUL characters and trims', () => {
    expect(normalizeFilterText('  mimi\u0000katz ')).toBe('mimikatz');
  });
  it('clips to the API limit', () => {
    expect(normalizeFilterText('x'.repeat(10_000)).length).toBe(4096);
  });
});
