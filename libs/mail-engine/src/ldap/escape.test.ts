import ldap from 'ldapjs';
import { describe, expect, it } from 'vitest';
import { escapeDnValue, escapeFilterValue, unescapeFilterValue, userFilterFor } from './escape.js';

describe('RFC 4515 filter values', () => {
  it.each([
    ['*', '\\2a'],
    ['(', '\\28'],
    [')', '\\29'],
    ['\\', '\\5c'],
    ['\0', '\\00'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['jürgen', 'j\\c3\\bcrgen'],
    ['ada.lovelace+tag@school.test', 'ada.lovelace+tag@school.test'],
  ])('escapes %j as %s', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it('keeps an injection attempt a single equality assertion on the configured attribute', () => {
    const filter = userFilterFor('(&(objectClass=inetOrgPerson)(mail={address}))', '*)(uid=*@x.test');
    const parsed = ldap.parseFilter(filter);
    expect(parsed.toString()).toBe('(&(objectClass=inetOrgPerson)(mail=\\2a\\29\\28uid=\\2a@x.test))');
    const parts = (parsed as unknown as { filters: Array<{ type: string; attribute: string }> }).filters;
    expect(parts.map((part) => [part.type, part.attribute])).toEqual([
      ['EqualityFilter', 'objectClass'],
      ['EqualityFilter', 'mail'],
    ]);
  });

  it.each(['*)(uid=*', '\0\\()', 'jürgen@école.test', 'plain'])('decodes the escaped form of %j back to its bytes', (value) => {
    expect(unescapeFilterValue(escapeFilterValue(value)).toString('utf8')).toBe(value);
  });

  it('fills {local} and {domain} from the address', () => {
    expect(userFilterFor('(&(uid={local})(o={domain}))', 'a*b@west.test')).toBe('(&(uid=a\\2ab)(o=west.test))');
  });
});

describe('RFC 4514 DN values', () => {
  it.each([
    ['Smith, John', 'Smith\\, John'],
    ['a+b=c', 'a\\+b\\=c'],
    ['"q" <x>;y\\', '\\"q\\" \\<x\\>\\;y\\\\'],
    ['#hash', '\\#hash'],
    [' lead and trail ', '\\ lead and trail\\ '],
    ['nul\0', 'nul\\00'],
  ])('escapes %j as %s', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });
});
