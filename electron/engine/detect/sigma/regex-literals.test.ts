import { describe, expect, it } from 'vitest';
import { regexLiterals } from './regex-literals.js';

describe('regexLiterals', () => {
  it('finds the longest run a match must contain', () => {
    expect(regexLiterals('\\$PSHome\\[\\s*\\d{1,3}\\s*\\]\\s*\\+\\s*\\$PSHome\\[')).toEqual(['$pshome[']);
    expect(regexLiterals('cmd.{0,5}(?:/c|/r).+powershell.+(?:\\$\\{?input\\}?|noexit).+"')).toEqual(['powershell']);
    expect(regexLiterals('\\.exe[\\"\\\']?\\s+[^\\"]{0,64}werfaultsecure\\.exe')).toEqual(['werfaultsecure.exe']);
  });
  it('drops optional characters and cuts runs at repeats', () => {
    expect(regexLiterals('ab?c')).toEqual(['a']);
    expect(regexLiterals('abc+d')).toEqual(['abc']);
    expect(regexLiterals('x{0}yz')).toEqual(['yz']);
    expect(regexLiterals('ab*cdef')).toEqual(['cdef']);
  });
  it('one literal per top-level alternative, or none', () => {
    expect(regexLiterals('net\\s+config|route\\s+print')).toEqual(['config', 'route']);
    expect(regexLiterals('abc|\\d+')).toBeNull();
    expect(regexLiterals('(abc|def)')).toBeNull();
    expect(regexLiterals('^.*$')).toBeNull();
  });
  it('keeps a literal that is tested case-insensitively lower-cased', () => {
    expect(regexLiterals('Invoke-Mimikatz')).toEqual(['invoke-mimikatz']);
  });
});
