import { describe, expect, it } from 'vitest';
import { KEYGEN, KINDS } from './support/kinds.js';
import { openKeygen } from './support/keygen.js';
import { members, NAMES, T0, TIMEOUTS } from './support/session.js';
import { openSign, signers, signInput } from './support/sign.js';

describe.each(KINDS)('$kind consent', (k) => {
  it('invites every member privately, then announces the inviting phase', () => {
    const s = k.open();
    expect(s.snapshot.value).toBe('inviting');
    expect(s.types()).toEqual([...NAMES.map((n) => `${k.invite}>${n}`), 'phase_changed']);
  });

  it('opens the first round once everyone has accepted', () => {
    const s = k.open();
    for (const name of NAMES) s.send(k.submission('inviting', name, T0 + 1));
    expect(s.snapshot.value).toBe(k.phases[1]);
    expect(s.types(4)).toEqual([
      'participant_answered',
      'participant_answered',
      'participant_answered',
      'phase_changed',
    ]);
  });

  it('ends rejected when anyone declines, naming who and why', () => {
    const s = k.open().send(k.submission('inviting', 'alice', T0 + 1));
    const mark = s.emitted.length;
    s.send(k.reject('bob', T0 + 2, 'device offline for maintenance'));
    expect(s.snapshot.value).toBe('rejected');
    expect(s.snapshot.context.status).toEqual({
      alice: 'accepted',
      bob: 'rejected',
      carol: 'invited',
    });
    expect(s.snapshot.context.error).toEqual({
      code: 'REJECTED',
      message: 'bob rejected the invitation: device offline for maintenance',
      phase: 'inviting',
      culprits: ['bob'],
    });
    expect(s.types(mark)).toEqual(['participant_answered', 'session_rejected']);
    expect(s.since(mark)[0]?.payload).toMatchObject({
      participant: 'bob',
      accept: false,
      reason: 'device offline for maintenance',
    });
    expect(s.since(mark)[1]?.payload).toMatchObject({
      state: 'rejected',
      error: { culprits: ['bob'] },
    });
  });

  it('says when no reason was given', () => {
    const s = k.open().send(k.reject('carol', T0 + 1));
    expect(s.snapshot.context.error?.message).toBe(
      'carol rejected the invitation (no reason given)',
    );
    expect(s.types(4)).toEqual(['participant_answered', 'session_rejected']);
  });
});

describe('invitation payloads', () => {
  it('tells a keygen participant the session, its own index and the deadline', () => {
    const s = openKeygen();
    expect(s.emitted[1]?.payload).toEqual({
      sessionId: KEYGEN.sessionId,
      coordinator: 'coord',
      scheme: 'frost-secp256k1',
      label: 'treasury',
      t: 2,
      n: 3,
      partIndex: 2,
      participants: members(NAMES),
      deadline: T0 + TIMEOUTS.inviteMs,
    });
  });

  it('tells a signer the message, its key index and its own escrow (or null)', () => {
    const input = signInput({
      signers: signers(NAMES, [1, 3, 5]).map((p) =>
        p.name === 'carol' ? { ...p, escrow: null } : p,
      ),
    });
    const s = openSign(input);
    expect(s.emitted[1]?.payload).toEqual({
      sessionId: 'sg-1',
      coordinator: 'coord',
      scheme: 'frost-secp256k1',
      keyId: 'key-1',
      message: 'deadbeef',
      t: 2,
      partIndex: 3,
      participants: input.signers.map(({ name, index, identityKey }) => ({
        name,
        index,
        identityKey,
      })),
      escrow: 'escrow-of-bob',
      commitRound: 1,
      deadline: T0 + TIMEOUTS.inviteMs,
    });
    expect(s.emitted[2]?.payload).toMatchObject({ escrow: null, partIndex: 5 });
  });
});
