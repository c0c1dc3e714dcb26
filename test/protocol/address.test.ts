import { describe, expect, it } from 'vitest';
import { p2trAddress } from '../../protocol/address.js';
import { EncodingError, bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import { taprootOutputKey } from '../../protocol/frost/index.js';
import { secp256k1Group } from '../../protocol/group/secp256k1.js';
import { offCurvePoint } from './helpers.js';

// BIP-86 test vector: m/86'/0'/0'/0/0.
const INTERNAL = 'cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115';
const OUTPUT = 'a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c';
const ADDRESS = 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr';

describe('P2TR address', () => {
  it('BIP-86: internal key -> TapTweak output key -> bech32m address', () => {
    const q = taprootOutputKey(secp256k1Group.liftX(hexToBytes(INTERNAL)));
    expect(bytesToHex(q.toBytes()).slice(2)).toBe(OUTPUT);
    expect(p2trAddress(bytesToHex(q.toBytes()))).toBe(ADDRESS);
    expect(p2trAddress(OUTPUT, 'bc')).toBe(ADDRESS);
  });

  it('uses only x(Q): both parities of a compressed key give the same address', () => {
    expect(p2trAddress('02' + OUTPUT)).toBe(ADDRESS);
    expect(p2trAddress('03' + OUTPUT)).toBe(ADDRESS);
  });

  it('supports testnet and regtest prefixes', () => {
    expect(p2trAddress(OUTPUT, 'tb')).toMatch(/^tb1p/);
    expect(p2trAddress(OUTPUT, 'bcrt')).toMatch(/^bcrt1p/);
    expect(() => p2trAddress(OUTPUT, 'xx' as 'bc')).toThrow();
  });

  it('rejects keys that are not curve points or have the wrong length', () => {
    expect(() => p2trAddress(offCurvePoint())).toThrow(EncodingError);
    expect(() => p2trAddress(OUTPUT.slice(2))).toThrow(EncodingError);
    expect(() => p2trAddress('04' + OUTPUT + OUTPUT)).toThrow(EncodingError);
  });
});
