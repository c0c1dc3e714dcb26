// The router reads a plain request target (`/sign`, `/connected/<key>`) as its own pathname and
// hands anything else to the URL parser (server/http/router.ts): both must give the pathname
// the URL parser alone gives.
import { describe, expect, it } from 'vitest';
import { pathnameOf } from '../../server/http/router.js';

const targets = [
  '/',
  '/sign',
  '/sign/',
  '/status',
  '/connected/02abcdef',
  '/connected/Ag-_~x',
  '/a//b',
  '/trpc/signer.attach',
  '/./sign',
  '/a/../sign',
  '/%73ign',
  '/sign?x=1',
  '/sign#part',
  '/sign%2F',
  '/a b',
  '/ä',
  '/a\\b',
  '//host/sign',
  'sign',
  '*',
];

describe('pathnameOf', () => {
  it.each(targets)('reads %j as the URL parser does', (target) => {
    expect(pathnameOf(target)).toBe(new URL(target, 'http://localhost').pathname);
  });

  it('answers undefined for a target the URL parser refuses, and / for none', () => {
    expect(pathnameOf('//a:99999')).toBeUndefined();
    expect(pathnameOf(undefined)).toBe('/');
  });
});
