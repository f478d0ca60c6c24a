import { describe, expect, it } from 'vitest';
import { LongIntegerSource } from './json-bigint.js';

describe('LongIntegerSource', () => {
  it('finds the literal of a rounded integer by its key, past look-alikes of the key', () => {
    const exact = '-9214364837600034817';
    const value = Number(exact);
    const lookAlikes = [
      // The name inside a string, a longer name ending with it, the name as a value, a short number.
      `{"Message":"\\"Keywords\\": 9214364837600034817","XKeywords":9214364837600034817,"Note":"Keywords","Keywords" : ${exact}}`,
      `{"Keywords":"12","A":1,"Keywords":${exact}}`,
      `{"Keywords":12345,"Keywords": ${exact}}`,
      `{"Keywords":${exact}}`,
    ];
    for (const text of lookAlikes) {
      expect(JSON.parse(text).Keywords).toBe(value);
      expect(new LongIntegerSource(text).literalFor(value, 'Keywords')).toBe(exact);
    }
  });

  it('falls back to the literals in text order when the key gives none', () => {
    const text = '{"a":36028797018963969,"b":36028797018963968}';
    const source = new LongIntegerSource(text);
    expect(source.literalFor(JSON.parse(text).b, 'Missing')).toBe('36028797018963969');
    expect(source.literalFor(JSON.parse(text).b)).toBe('36028797018963968');
  });
});
