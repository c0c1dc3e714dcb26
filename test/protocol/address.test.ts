import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bech32 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import {
  checksumAddress,
  ethereumAddress,
  p2trAddress,
  p2wpkhAddress,
} from '../../protocol/address.js';
import { EncodingError, bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import { taprootOutputKey } from '../../protocol/frost/index.js';
import { scalarField } from '../../protocol/group/scalar-field.js';
import { SECP256K1_ORDER } from '../../protocol/group/secp256k1-group.js';
import { secp256k1Group } from '../../protocol/group/secp256k1.js';
import { offCurvePoint } from './helpers.js';

// BIP-86 test vector: m/86'/0'/0'/0/0.
const INTERNAL = 'cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115';
const OUTPUT = 'a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c';
const Fn = scalarField(SECP256K1_ORDER, 32, false);
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

describe('Ethereum address', () => {
  // EIP-55's own examples: all caps, all lower, and mixed case.
  const eip55 = [
    '0x52908400098527886E0F7030069857D2E4169EE7',
    '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
    '0xde709f2102306220921060314715629080e2fb77',
    '0x27b1fdb04752bbc536007a920d24acb045561c26',
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ];

  it.each(eip55)('EIP-55 checksum casing of %s', (address) => {
    expect(checksumAddress(address.toLowerCase())).toBe(address);
    expect(checksumAddress(address.slice(2).toUpperCase())).toBe(address);
  });

  it('secret keys 1 and 2 give their well-known addresses, from hex or bytes', () => {
    const key1 = secp256k1.getPublicKey(Fn.toBytes(1n), true);
    expect(ethereumAddress(key1)).toBe('0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf');
    expect(ethereumAddress(bytesToHex(key1))).toBe('0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf');
    expect(ethereumAddress(bytesToHex(key1).toUpperCase())).toBe(
      '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf',
    );
    const key2 = secp256k1.getPublicKey(Fn.toBytes(2n), true);
    expect(ethereumAddress(key2)).toBe('0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF');
  });

  it('rejects keys that are not 33-byte compressed curve points, with EncodingError', () => {
    const key1 = bytesToHex(secp256k1.getPublicKey(Fn.toBytes(1n), true));
    const uncompressed = bytesToHex(secp256k1.getPublicKey(Fn.toBytes(1n), false));
    for (const bad of [offCurvePoint(), key1.slice(2), uncompressed, '04' + key1.slice(2), 'zz']) {
      expect(() => ethereumAddress(bad)).toThrow(EncodingError);
    }
    expect(() => ethereumAddress(new Uint8Array(33))).toThrow(EncodingError);
    expect(() => checksumAddress('0x' + '00'.repeat(19))).toThrow(EncodingError);
  });
});

describe('P2WPKH address', () => {
  // BIP-173's P2WPKH examples: the generator's compressed key.
  const KEY = '0279BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798';
  const HASH160 = '751e76e8199196d454941c45d1b3a323f1433bd6';

  it('BIP-173: mainnet and testnet vectors, hex or bytes', () => {
    expect(p2wpkhAddress(KEY)).toBe('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    expect(p2wpkhAddress(hexToBytes(KEY), 'bc')).toBe('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    expect(p2wpkhAddress(KEY, 'tb')).toBe('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx');
  });

  it('regtest prefix, witness v0, 20-byte HASH160 program, bech32 (not bech32m)', () => {
    const address = p2wpkhAddress(KEY, 'bcrt');
    expect(address).toMatch(/^bcrt1q/);
    const decoded = bech32.decode(address as `${string}1${string}`);
    expect(decoded.prefix).toBe('bcrt');
    expect(decoded.words[0]).toBe(0);
    expect(bytesToHex(bech32.fromWords(decoded.words.slice(1)))).toBe(HASH160);
    expect(() => p2wpkhAddress(KEY, 'xx' as 'bc')).toThrow();
  });

  it('rejects keys that are not 33-byte compressed curve points, with EncodingError', () => {
    const uncompressed = bytesToHex(secp256k1.Point.fromHex(KEY).toBytes(false));
    for (const bad of [offCurvePoint(), KEY.slice(2), uncompressed, '04' + KEY.slice(2)]) {
      expect(() => p2wpkhAddress(bad)).toThrow(EncodingError);
    }
  });
});
