import { describe, expect, it } from 'vitest';
import { keygenIn, KEYGEN_AT, kg } from './support/keygen.js';
import { NAMES, T0 } from './support/session.js';
import { nonceHex, openSign, sg, signers, signIn, signInput } from './support/sign.js';

describe('keygen relay', () => {
  it('broadcasts the round-1 packages in index order, whatever the submission order', () => {
    const s = keygenIn('round1');
    const mark = s.emitted.length;
    for (const name of ['carol', 'alice', 'bob']) s.send(kg.round1(name, KEYGEN_AT.round1));
    expect(s.snapshot.value).toBe('round2');
    expect(s.types(mark)).toEqual([
      'submitted',
      'submitted',
      'submitted',
      'round1_packages',
      'phase_changed',
    ]);
    const broadcast = s.since(mark)[3]?.payload as {
      packages: Array<{ name: string; index: number }>;
    };
    expect(broadcast.packages.map((p) => [p.name, p.index])).toEqual([
      ['alice', 1],
      ['bob', 2],
      ['carol', 3],
    ]);
  });

  it('relays each round-2 ciphertext only to its recipient', () => {
    const s = keygenIn('round2');
    const mark = s.emitted.length;
    for (const name of NAMES) s.send(kg.round2(name, KEYGEN_AT.round2));
    expect(s.snapshot.value).toBe('confirming');
    expect(s.types(mark)).toEqual([
      'submitted',
      'submitted',
      'submitted',
      'round2_shares>alice',
      'round2_shares>bob',
      'round2_shares>carol',
      'phase_changed',
    ]);
    expect(s.since(mark)[4]?.payload).toEqual({
      sessionId: 'kg-1',
      shares: [
        { from: 'alice', fromIndex: 1, ciphertext: 'ct-alice-to-bob' },
        { from: 'carol', fromIndex: 3, ciphertext: 'ct-carol-to-bob' },
      ],
    });
  });

  it("never puts an escrow blob or another recipient's ciphertext in a notification", () => {
    const s = keygenIn('completed');
    expect(s.snapshot.value).toBe('completed');
    for (const n of s.emitted) {
      const text = JSON.stringify(n);
      expect(text).not.toContain('escrow-');
      for (const match of text.matchAll(/ct-(\w+)-to-(\w+)/g)) {
        expect(n.recipient).toBe(match[2]);
      }
    }
  });
});

describe('sign relay', () => {
  it('sends each escrow only to its owner', () => {
    const s = signIn('ready').send(sg.aggregated(T0 + 9_000));
    for (const n of s.emitted) {
      const leaked = NAMES.map((name) => `escrow-of-${name}`).filter((e) =>
        JSON.stringify(n).includes(e),
      );
      expect(leaked.every((e) => e === `escrow-of-${n.recipient}`)).toBe(true);
    }
    expect(JSON.stringify(s.emitted)).toContain('escrow-of-carol');
  });

  it("broadcasts the signing package with everyone's commitments in index order", () => {
    const s = openSign(signInput({ signers: signers(NAMES, [1, 3, 5]) }));
    for (const name of NAMES) s.send(sg.accept(name, T0 + 1));
    const mark = s.emitted.length;
    for (const name of ['bob', 'carol', 'alice']) s.send(sg.commit(name, 1, T0 + 2));
    expect(s.snapshot.value).toBe('shares');
    expect(s.types(mark)).toEqual([
      'submitted',
      'submitted',
      'submitted',
      'signing_package',
      'phase_changed',
    ]);
    expect(s.since(mark)[3]?.payload).toEqual({
      sessionId: 'sg-1',
      keyId: 'key-1',
      scheme: 'frost-secp256k1',
      message: 'deadbeef',
      commitRound: 1,
      commitments: NAMES.map((name, i) => ({
        name,
        index: [1, 3, 5][i],
        hiding: nonceHex('h', name, 1),
        binding: nonceHex('b', name, 1),
      })),
    });
  });
});
