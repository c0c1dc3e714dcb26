/**
 * Every threshold scheme a session can run: the FROST ciphersuites (`frost/schemes.ts`) and
 * DKLs23 threshold ECDSA (`dkls23/`). Keygen requests, invitations and keys name one of these.
 *
 * @module
 */
import { z } from 'zod';
import { DKLS23_SCHEME, type DklsScheme } from './dkls23/scheme.js';
import { SCHEMES, type Scheme } from './frost/schemes.js';

export type ThresholdScheme = Scheme | DklsScheme;
export const THRESHOLD_SCHEMES = [...SCHEMES, DKLS23_SCHEME] as [
  ThresholdScheme,
  ...ThresholdScheme[],
];
export const ThresholdSchemeSchema = z.enum(THRESHOLD_SCHEMES);

export const isFrostScheme = (scheme: string): scheme is Scheme =>
  (SCHEMES as readonly string[]).includes(scheme);
export const isDklsScheme = (scheme: string): scheme is DklsScheme => scheme === DKLS23_SCHEME;
