import { describe, expect, it } from 'vitest';
import {
  GROUP_KEY,
  keygenIn,
  keygenInput,
  KEYGEN_AT,
  kg,
  openKeygen,
  OTHER_KEY,
} from './support/keygen.js';
import { KINDS } from './support/kinds.js';
import { members } from './support/session.js';
import { signIn, SIGN_AT } from './support/sign.js';

describe.each(KINDS)('$kind FAIL from the runtime', (k) => {
  it.each(k.phases)('fails during %s naming the culprits', (phase) => {
    const s = k.sessionIn(phase).send({
      type: 'FAIL',
      code: 'INVALID_PROOF',
      reason: 'proof does not verify',
      culprits: ['bob'],
      at: 77,
    });
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error).toEqual({
      code: 'INVALID_PROOF',
      message: `${phase} failed: proof does not verify (culprits: bob)`,
      phase,
      culprits: ['bob'],
    });
    expect(s.snapshot.context).toMatchObject({
      result: null,
      waitingFor: [],
      deadline: null,
      endedAt: 77,
    });
    expect(s.emitted.at(-1)).toMatchObject({
      type: 'session_failed',
      recipient: null,
      payload: { state: 'failed' },
    });
  });

  it('records a FAIL without a code as PROTOCOL_VIOLATION', () => {
    const s = k.sessionIn(k.phases[2] ?? 'inviting');
    s.send({ type: 'FAIL', reason: 'bad', culprits: [], at: 1 });
    expect(s.snapshot.context.error).toMatchObject({ code: 'PROTOCOL_VIOLATION', culprits: [] });
  });
});

describe('FAIL in the middle of a round', () => {
  it('keygen: a round-1 proof that does not verify', () => {
    const s = keygenIn('round1').send(kg.round1('alice', KEYGEN_AT.round1));
    s.send({
      type: 'FAIL',
      code: 'INVALID_PROOF',
      reason: 'proof of knowledge does not verify',
      culprits: ['bob'],
      at: KEYGEN_AT.round1 + 1,
    });
    expect(s.snapshot.context.error).toEqual({
      code: 'INVALID_PROOF',
      message: 'round1 failed: proof of knowledge does not verify (culprits: bob)',
      phase: 'round1',
      culprits: ['bob'],
    });
  });

  it('sign: a signature share that does not verify once all are in', () => {
    const s = signIn('ready').send({
      type: 'FAIL',
      code: 'INVALID_SIGNATURE_SHARE',
      reason: 'signature share does not verify',
      culprits: ['carol'],
      at: SIGN_AT.done,
    });
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error).toMatchObject({
      code: 'INVALID_SIGNATURE_SHARE',
      culprits: ['carol'],
      phase: 'shares',
    });
    expect(s.snapshot.context.result).toBeNull();
  });
});

describe('keygen COMPLAIN', () => {
  it('fails naming accuser and accused', () => {
    const s = keygenIn('confirming').send(kg.confirm('alice', KEYGEN_AT.confirm));
    s.send(kg.complain('carol', 'bob', KEYGEN_AT.confirm + 1, 'share does not match commitments'));
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error).toEqual({
      code: 'COMPLAINT',
      message:
        'confirming failed: carol complains about bob: share does not match commitments ' +
        '(culprits: bob, carol)',
      phase: 'confirming',
      culprits: ['bob', 'carol'],
      accuser: 'carol',
      accused: 'bob',
    });
    expect(s.emitted.at(-1)?.type).toBe('session_failed');
  });
});

describe('keygen GROUP_KEY_MISMATCH', () => {
  it('fails when the confirmations disagree, naming the odd one out', () => {
    const s = keygenIn('confirming');
    s.send(kg.confirm('alice', KEYGEN_AT.confirm)).send(kg.confirm('bob', 1, OTHER_KEY));
    s.send(kg.confirm('carol', KEYGEN_AT.confirm + 7));
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error).toMatchObject({
      code: 'GROUP_KEY_MISMATCH',
      culprits: ['bob'],
    });
    expect(s.snapshot.context.result).toBeNull();
    expect(s.snapshot.context.endedAt).toBe(KEYGEN_AT.confirm + 7);
    expect(s.emitted.at(-1)?.type).toBe('session_failed');
  });

  it('compares group keys case-insensitively', () => {
    const agree = keygenIn('confirming');
    agree.send(kg.confirm('alice', 1)).send(kg.confirm('bob', 1, GROUP_KEY.toUpperCase()));
    agree.send(kg.confirm('carol', 1));
    expect(agree.snapshot.value).toBe('completed');

    const minority = keygenIn('confirming');
    minority.send(kg.confirm('alice', 1, '02aa')).send(kg.confirm('bob', 1, '02AA'));
    minority.send(kg.confirm('carol', 1, '03bb'));
    expect(minority.snapshot.context.error).toMatchObject({
      code: 'GROUP_KEY_MISMATCH',
      culprits: ['carol'],
    });
  });

  it('names everyone on a tie', () => {
    const pair = ['alice', 'bob'];
    const tie = openKeygen(keygenInput({ participants: members(pair) }));
    for (const n of pair) tie.send(kg.accept(n, 1));
    for (const n of pair) tie.send(kg.round1(n, 2));
    for (const n of pair) tie.send(kg.round2(n, 3, pair));
    tie.send(kg.confirm('alice', 4)).send(kg.confirm('bob', 4, OTHER_KEY));
    expect(tie.snapshot.context.error).toMatchObject({
      code: 'GROUP_KEY_MISMATCH',
      culprits: ['alice', 'bob'],
    });
  });
});
