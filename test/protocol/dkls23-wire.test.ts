// The DKLs23 messages on the wire (docs/dkls23.md, Wire format): every message of a real keygen
// and signing survives hex and JSON unchanged, and a field of the wrong size or an unknown field
// is refused by the schema before any round function sees it.
import { randomBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { runKeygen, runSigning } from '../../harness/dkls23-rounds.js';
import {
  KeygenBroadcast1Schema,
  KeygenDirect1Schema,
  KeygenDirect2Schema,
  SignBroadcast1Schema,
  SignBroadcast2Schema,
  SignBroadcast3Schema,
  SignDirect1Schema,
  SignDirect2Schema,
  toWire,
} from '../../protocol/dkls23/wire.js';

type Message = Record<string, Uint8Array | Uint8Array[]>;

describe('DKLs23 wire format', () => {
  it('carries every message of a keygen and a signing through JSON unchanged, and the run completes on what was parsed', () => {
    // Every message goes out through toWire and JSON, and the recipient gets what the schema parsed.
    const seen = new Map<z.ZodType, number>();
    const through =
      (schema: z.ZodType) =>
      <T>(_from: number, _to: number, m: T): T => {
        seen.set(schema, (seen.get(schema) ?? 0) + 1);
        const parsed = schema.parse(JSON.parse(JSON.stringify(toWire(m as Message)))) as T;
        expect(parsed).toEqual(m);
        return parsed;
      };
    const keys = runKeygen(2, 3, {
      broadcast1: through(KeygenBroadcast1Schema),
      direct1: through(KeygenDirect1Schema),
      direct2: through(KeygenDirect2Schema),
    });
    const out = runSigning(keys, [1, 2], randomBytes(32), {
      broadcast1: through(SignBroadcast1Schema),
      direct1: through(SignDirect1Schema),
      broadcast2: through(SignBroadcast2Schema),
      direct2: through(SignDirect2Schema),
      broadcast3: (from, m) => through(SignBroadcast3Schema)(from, 0, m),
    });
    expect(out.compact).toHaveLength(64);
    expect(seen.size).toBe(8);
  });

  it.each([
    [
      'a short share',
      KeygenDirect2Schema,
      { share: 'ab'.repeat(31), zeroSeed: 'ab'.repeat(32), mulSetup: '00'.repeat(8448) },
    ],
    ['a short set-up', KeygenDirect1Schema, { mulSetup: '00'.repeat(8447) }],
    [
      'a 32-byte R',
      SignBroadcast2Schema,
      { R: '02'.repeat(32), salt: '00'.repeat(32), pk: '02'.repeat(33) },
    ],
    ['a commitment that is not hex', SignBroadcast1Schema, { commitment: 'zz'.repeat(32) }],
    ['an unknown field', SignBroadcast3Schema, { u: '00'.repeat(32), w: '00'.repeat(32), v: '00' }],
    ['a missing field', SignBroadcast3Schema, { u: '00'.repeat(32) }],
    [
      'one commitment',
      KeygenBroadcast1Schema,
      { commitments: ['02'.repeat(33)], proof: '00'.repeat(65) },
    ],
  ])('refuses %s', (_what, schema: z.ZodType, value) => {
    expect(schema.safeParse(value).success).toBe(false);
  });
});
