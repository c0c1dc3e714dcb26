import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  assertKeygenInput,
  assertSignInput,
  keygenMachine,
  SessionInputError,
  signMachine,
} from '../../machines/index.js';
import { keygenInput, openKeygen } from './support/keygen.js';
import { KINDS } from './support/kinds.js';
import { members, NAMES } from './support/session.js';
import { signers, signInput } from './support/sign.js';

describe.each(KINDS)('$kind input', (k) => {
  it('accepts the default input', () => {
    expect(() => k.assertInput(k.input())).not.toThrow();
  });

  it.each([
    ['a threshold above the member count', { threshold: 4 }],
    ['a name used twice', { names: ['alice', 'alice'] }],
    ['an index used twice', { names: ['alice', 'bob'], indexes: [2, 2] }],
    ['a zero timeout', { timeouts: { inviteMs: 0, roundMs: 1 } }],
  ])('refuses %s', (_what, change) => {
    expect(() => k.assertInput(k.input(change))).toThrow(SessionInputError);
  });

  it('refuses a scheme it does not know', () => {
    const input = { ...(k.input() as object), scheme: 'ed25519' };
    expect(() => k.assertInput(input)).toThrow(SessionInputError);
  });

  it('puts an actor with a bad input into the error state', () => {
    const machine = k.kind === 'keygen' ? keygenMachine : signMachine;
    const actor = createActor(machine, { input: k.input({ threshold: 9 }) as never });
    expect(actor.getSnapshot().status).toBe('error');
    expect(actor.getSnapshot().error).toBeInstanceOf(SessionInputError);
  });
});

describe('keygen input', () => {
  it('wants a threshold of at least 2', () => {
    expect(() => assertKeygenInput(keygenInput({ threshold: 1 }))).toThrow(SessionInputError);
  });

  it('wants indexes exactly 1..n', () => {
    const shifted = members(['alice', 'bob']).map((p) => ({ ...p, index: p.index + 1 }));
    expect(() => assertKeygenInput(keygenInput({ participants: shifted }))).toThrow(
      SessionInputError,
    );
  });

  it('sorts participants by index and keeps only public fields', () => {
    const shuffled = [...members(NAMES)].reverse().map((p) => ({ ...p, secret: 'x' }));
    const s = openKeygen(keygenInput({ participants: shuffled }));
    expect(s.snapshot.context.participants).toEqual(members(NAMES));
  });
});

describe('sign input', () => {
  it('wants at least threshold signers, each index once, and a restart limit ≥ 0', () => {
    expect(() => assertSignInput(signInput({ signers: signers(['alice']) }))).toThrow(
      SessionInputError,
    );
    expect(() => assertSignInput(signInput({ signers: signers(['a', 'b'], [2, 2]) }))).toThrow(
      'index 2 is used twice',
    );
    expect(() => assertSignInput(signInput({ maxCommitRestarts: -1 }))).toThrow(SessionInputError);
  });

  it('accepts the key indexes of any chosen signers', () => {
    expect(() => assertSignInput(signInput({ signers: signers(NAMES, [1, 3, 5]) }))).not.toThrow();
  });
});
