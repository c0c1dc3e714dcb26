import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import {
  assertKeygenInput,
  explainKeygenRejection,
  KEYGEN_DONE_STATUS,
  KEYGEN_PHASES,
  keygenMachine,
  type KeygenContext,
  type KeygenEvent,
  type KeygenPhase,
  type KeygenWorkingPhase,
  SessionInputError,
} from '../../machines/index.js';
import {
  asLogic,
  canonicalJson,
  jsonRoundTrip,
  keygenInput,
  members,
  Session,
  T0,
  TIMEOUTS,
} from './fixtures.js';

const NAMES = ['alice', 'bob', 'carol'] as const;
const GROUP_KEY = '02' + 'ab'.repeat(32);
const OTHER_KEY = '03' + 'cd'.repeat(32);

const ev = {
  accept: (participant: string, at: number): KeygenEvent => ({
    type: 'RESPOND',
    participant,
    accept: true,
    at,
  }),
  reject: (participant: string, at: number, reason?: string): KeygenEvent => ({
    type: 'RESPOND',
    participant,
    accept: false,
    ...(reason ? { reason } : {}),
    at,
  }),
  round1: (participant: string, at: number): KeygenEvent => ({
    type: 'ROUND1',
    participant,
    package: {
      commitment: [`c1-${participant}`, `c2-${participant}`],
      proofOfKnowledge: `pok-${participant}`,
    },
    at,
  }),
  round2: (participant: string, at: number, names: readonly string[] = NAMES): KeygenEvent => ({
    type: 'ROUND2',
    participant,
    shares: Object.fromEntries(
      names.filter((n) => n !== participant).map((n) => [n, `ct-${participant}-to-${n}`]),
    ),
    at,
  }),
  confirm: (participant: string, at: number, groupPublicKey = GROUP_KEY): KeygenEvent => ({
    type: 'CONFIRM',
    participant,
    groupPublicKey,
    verifyingShare: `vs-${participant}`,
    escrow: `escrow-${participant}`,
    at,
  }),
};

const AT = { respond: T0 + 1_000, round1: T0 + 2_000, round2: T0 + 3_000, confirm: T0 + 4_000 };

function newSession(input = keygenInput()) {
  return new Session(keygenMachine, input);
}

/** Drives a 2-of-3 session into `phase` (every step at its AT time). */
function sessionIn(phase: KeygenWorkingPhase, restartBeforeEachEvent = false) {
  const s = newSession();
  const send = (event: KeygenEvent) => {
    if (restartBeforeEachEvent) s.restart();
    s.send(event);
  };
  const steps: Array<[KeygenWorkingPhase, (name: string) => KeygenEvent]> = [
    ['inviting', (n) => ev.accept(n, AT.respond)],
    ['round1', (n) => ev.round1(n, AT.round1)],
    ['round2', (n) => ev.round2(n, AT.round2)],
    ['confirming', (n) => ev.confirm(n, AT.confirm)],
  ];
  for (const [from, make] of steps) {
    if (from === phase) return s;
    for (const name of NAMES) send(make(name));
  }
  return s;
}

function completedSession(restartBeforeEachEvent = false) {
  const s = sessionIn('confirming', restartBeforeEachEvent);
  for (const name of NAMES) {
    if (restartBeforeEachEvent) s.restart();
    s.send(ev.confirm(name, AT.confirm));
  }
  return s;
}

/** Sends `event`, which must be refused with `code`, and checks nothing changed. */
function expectRefused(s: Session<typeof keygenMachine>, event: KeygenEvent, code: string) {
  const before = jsonRoundTrip(s.actor.getPersistedSnapshot());
  const emittedBefore = s.emitted.length;
  const rejection = explainKeygenRejection(s.snapshot, event);
  expect(rejection?.code).toBe(code);
  if (s.snapshot.status !== 'active') return rejection?.message ?? ''; // a done actor ignores all
  expect(s.snapshot.can(event)).toBe(false);
  s.send(event);
  expect(jsonRoundTrip(s.actor.getPersistedSnapshot())).toEqual(before);
  expect(s.emitted.length).toBe(emittedBefore);
  return rejection?.message ?? '';
}

describe('keygen machine: happy path', () => {
  it('invites everyone, runs both rounds, relays shares privately and completes', () => {
    const s = newSession();
    expect(s.snapshot.value).toBe('inviting');
    expect(s.types()).toEqual([
      'keygen_invite>alice',
      'keygen_invite>bob',
      'keygen_invite>carol',
      'phase_changed',
    ]);
    const invite = s.emitted[1];
    expect(invite?.payload).toEqual({
      sessionId: 'kg-1',
      coordinator: 'coord',
      scheme: 'frost-secp256k1',
      label: 'treasury',
      t: 2,
      n: 3,
      partIndex: 2,
      participants: members(NAMES),
      deadline: T0 + TIMEOUTS.inviteMs,
    });

    for (const name of NAMES) s.send(ev.accept(name, AT.respond));
    expect(s.snapshot.value).toBe('round1');
    expect(s.types(4)).toEqual([
      'participant_answered',
      'participant_answered',
      'participant_answered',
      'phase_changed',
    ]);

    let mark = s.emitted.length;
    // Out of index order on purpose: the broadcast is still in index order.
    for (const name of ['carol', 'alice', 'bob']) s.send(ev.round1(name, AT.round1));
    expect(s.snapshot.value).toBe('round2');
    expect(s.types(mark)).toEqual([
      'submitted',
      'submitted',
      'submitted',
      'round1_packages',
      'phase_changed',
    ]);
    const packages = s.since(mark)[3]?.payload as {
      packages: Array<{ name: string; index: number }>;
    };
    expect(packages.packages.map((p) => [p.name, p.index])).toEqual([
      ['alice', 1],
      ['bob', 2],
      ['carol', 3],
    ]);

    mark = s.emitted.length;
    for (const name of NAMES) s.send(ev.round2(name, AT.round2));
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

    mark = s.emitted.length;
    for (const name of NAMES) s.send(ev.confirm(name, AT.confirm));
    expect(s.snapshot.value).toBe('completed');
    expect(s.snapshot.status).toBe('done');
    expect(s.types(mark)).toEqual(['submitted', 'submitted', 'submitted', 'session_completed']);

    const context = s.snapshot.context;
    expect(context.result).toEqual({
      groupPublicKey: GROUP_KEY,
      verifyingShares: { alice: 'vs-alice', bob: 'vs-bob', carol: 'vs-carol' },
      escrows: { alice: 'escrow-alice', bob: 'escrow-bob', carol: 'escrow-carol' },
    });
    expect(context.waitingFor).toEqual([]);
    expect(context.deadline).toBeNull();
    expect(context.endedAt).toBe(AT.confirm);
    expect(context.error).toBeNull();
    expect(Object.values(context.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    expect(s.emitted.at(-1)?.payload).toEqual({
      sessionId: 'kg-1',
      state: 'completed',
      result: { groupPublicKey: GROUP_KEY, verifyingShares: context.result?.verifyingShares },
    });
  });

  it("never puts an escrow blob or another recipient's ciphertext in a notification", () => {
    const s = completedSession();
    for (const n of s.emitted) {
      const text = JSON.stringify(n);
      expect(text).not.toContain('escrow-');
      for (const match of text.matchAll(/ct-(\w+)-to-(\w+)/g)) {
        expect(n.recipient).toBe(match[2]);
      }
    }
  });

  it('computes every deadline from the `at` of the event that opened the phase', () => {
    const timeouts = { inviteMs: 10_000, roundMs: 2_500 };
    const s = newSession(keygenInput({ timeouts, at: 5_000 }));
    expect(s.snapshot.context).toMatchObject({ deadline: 15_000, phaseStartedAt: 5_000 });
    s.send(ev.accept('alice', 6_000)).send(ev.accept('bob', 7_000)).send(ev.accept('carol', 8_000));
    expect(s.snapshot.context).toMatchObject({
      phase: 'round1',
      deadline: 10_500,
      phaseStartedAt: 8_000,
    });
    for (const [i, name] of NAMES.entries()) s.send(ev.round1(name, 9_000 + i));
    expect(s.snapshot.context).toMatchObject({ phase: 'round2', deadline: 11_502 });
    for (const name of NAMES) s.send(ev.round2(name, 12_000));
    expect(s.snapshot.context).toMatchObject({ phase: 'confirming', deadline: 14_500 });
    const phaseChanged = s.emitted.filter((n) => n.type === 'phase_changed').map((n) => n.payload);
    expect(phaseChanged).toEqual([
      {
        sessionId: 'kg-1',
        phase: 'inviting',
        waitingFor: [...NAMES],
        deadline: 15_000,
        phaseStartedAt: 5_000,
      },
      {
        sessionId: 'kg-1',
        phase: 'round1',
        waitingFor: [...NAMES],
        deadline: 10_500,
        phaseStartedAt: 8_000,
      },
      {
        sessionId: 'kg-1',
        phase: 'round2',
        waitingFor: [...NAMES],
        deadline: 11_502,
        phaseStartedAt: 9_002,
      },
      {
        sessionId: 'kg-1',
        phase: 'confirming',
        waitingFor: [...NAMES],
        deadline: 14_500,
        phaseStartedAt: 12_000,
      },
    ]);
  });
});

describe('keygen machine: terminal states', () => {
  it('ends rejected when anyone declines, naming who and why', () => {
    const s = newSession();
    s.send(ev.accept('alice', AT.respond));
    const mark = s.emitted.length;
    s.send(ev.reject('bob', AT.respond + 1, 'device offline for maintenance'));
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
    const s = newSession().send(ev.reject('carol', AT.respond));
    expect(s.snapshot.context.error?.message).toBe(
      'carol rejected the invitation (no reason given)',
    );
  });

  it('times out naming waitingFor, and refuses a TIMEOUT before the deadline', () => {
    const s = sessionIn('round1');
    s.send(ev.round1('bob', AT.round1));
    const deadline = s.snapshot.context.deadline ?? 0;
    expect(deadline).toBe(AT.respond + TIMEOUTS.roundMs);
    const early = expectRefused(s, { type: 'TIMEOUT', at: deadline - 1 }, 'DEADLINE_NOT_REACHED');
    expect(early).toContain(String(deadline));
    const mark = s.emitted.length;
    s.send({ type: 'TIMEOUT', at: deadline });
    expect(s.snapshot.value).toBe('timed_out');
    expect(s.snapshot.context.waitingFor).toEqual(['alice', 'carol']);
    expect(s.snapshot.context.error).toMatchObject({
      code: 'TIMEOUT',
      phase: 'round1',
      waitingFor: ['alice', 'carol'],
      message: `round1 timed out at ${deadline}, waiting for alice, carol`,
    });
    expect(s.types(mark)).toEqual(['session_timed_out']);
    expect(s.since(mark)[0]?.payload).toMatchObject({
      state: 'timed_out',
      waitingFor: ['alice', 'carol'],
    });
  });

  it('times out an invitation nobody answered', () => {
    const s = newSession().send({ type: 'TIMEOUT', at: T0 + TIMEOUTS.inviteMs + 5 });
    expect(s.snapshot.value).toBe('timed_out');
    expect(s.snapshot.context.waitingFor).toEqual([...NAMES]);
    expect(s.snapshot.context.endedAt).toBe(T0 + TIMEOUTS.inviteMs + 5);
  });

  it('aborts from any working phase, naming who aborted', () => {
    for (const phase of ['inviting', 'round1', 'round2', 'confirming'] as const) {
      const s = sessionIn(phase);
      const mark = s.emitted.length;
      s.send({ type: 'ABORT', by: 'coord', reason: 'wrong participants', at: T0 + 9_000 });
      expect(s.snapshot.value).toBe('aborted');
      expect(s.snapshot.context.error).toEqual({
        code: 'ABORTED',
        message: `aborted by coord during ${phase}: wrong participants`,
        phase,
        culprits: [],
        by: 'coord',
      });
      expect(s.snapshot.context).toMatchObject({
        waitingFor: [],
        deadline: null,
        endedAt: T0 + 9_000,
      });
      expect(s.types(mark)).toEqual(['session_aborted']);
    }
  });

  it('fails on a FAIL from the runtime, naming the culprits', () => {
    const s = sessionIn('round1');
    s.send(ev.round1('alice', AT.round1));
    s.send({
      type: 'FAIL',
      code: 'INVALID_PROOF',
      reason: 'proof of knowledge does not verify',
      culprits: ['bob'],
      at: AT.round1 + 1,
    });
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error).toEqual({
      code: 'INVALID_PROOF',
      message: 'round1 failed: proof of knowledge does not verify (culprits: bob)',
      phase: 'round1',
      culprits: ['bob'],
    });
    expect(s.emitted.at(-1)).toMatchObject({
      type: 'session_failed',
      recipient: null,
      payload: { state: 'failed' },
    });
    const plain = sessionIn('round2').send({ type: 'FAIL', reason: 'bad', culprits: [], at: 1 });
    expect(plain.snapshot.context.error).toMatchObject({
      code: 'PROTOCOL_VIOLATION',
      culprits: [],
    });
  });

  it('fails on a COMPLAIN, naming accuser and accused', () => {
    const s = sessionIn('confirming');
    s.send(ev.confirm('alice', AT.confirm));
    s.send({
      type: 'COMPLAIN',
      participant: 'carol',
      accused: 'bob',
      reason: 'share does not match commitments',
      at: AT.confirm + 1,
    });
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

  it('fails when the confirmations disagree on the group key, naming the odd one out', () => {
    const s = sessionIn('confirming');
    s.send(ev.confirm('alice', AT.confirm)).send(ev.confirm('bob', AT.confirm, OTHER_KEY));
    s.send(ev.confirm('carol', AT.confirm + 7));
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error).toMatchObject({
      code: 'GROUP_KEY_MISMATCH',
      culprits: ['bob'],
    });
    expect(s.snapshot.context.result).toBeNull();
    expect(s.snapshot.context.endedAt).toBe(AT.confirm + 7);
  });

  it('compares group keys case-insensitively and names everyone on a tie', () => {
    const agree = sessionIn('confirming');
    agree
      .send(ev.confirm('alice', 1))
      .send(ev.confirm('bob', 1, GROUP_KEY.toUpperCase()))
      .send(ev.confirm('carol', 1));
    expect(agree.snapshot.value).toBe('completed');

    const input = keygenInput({ participants: members(['alice', 'bob']) });
    const tie = new Session(keygenMachine, input);
    for (const n of ['alice', 'bob']) tie.send(ev.accept(n, 1));
    for (const n of ['alice', 'bob']) tie.send(ev.round1(n, 2));
    for (const n of ['alice', 'bob']) tie.send(ev.round2(n, 3, ['alice', 'bob']));
    tie.send(ev.confirm('alice', 4)).send(ev.confirm('bob', 4, OTHER_KEY));
    expect(tie.snapshot.context.error).toMatchObject({
      code: 'GROUP_KEY_MISMATCH',
      culprits: ['alice', 'bob'],
    });
  });
});

describe('keygen machine: refused events', () => {
  it('refuses foreign participants, naming them', () => {
    const s = newSession();
    expect(expectRefused(s, ev.accept('mallory', 1), 'NOT_A_PARTICIPANT')).toBe(
      'mallory is not a participant of session kg-1',
    );
    const r1 = sessionIn('round1');
    expectRefused(r1, ev.round1('mallory', 1), 'NOT_A_PARTICIPANT');
    const c = sessionIn('confirming');
    expectRefused(
      c,
      { type: 'COMPLAIN', participant: 'alice', accused: 'mallory', reason: 'x', at: 1 },
      'NOT_A_PARTICIPANT',
    );
  });

  it('refuses duplicates', () => {
    const s = newSession().send(ev.accept('alice', 1));
    expect(expectRefused(s, ev.reject('alice', 2), 'ALREADY_ANSWERED')).toContain(
      'alice already answered',
    );
    const r1 = sessionIn('round1').send(ev.round1('bob', 1));
    expect(expectRefused(r1, ev.round1('bob', 2), 'ALREADY_SUBMITTED')).toBe(
      'bob already submitted its round-1 package (session kg-1)',
    );
    const r2 = sessionIn('round2').send(ev.round2('bob', 1));
    expectRefused(r2, ev.round2('bob', 2), 'ALREADY_SUBMITTED');
    const c = sessionIn('confirming').send(ev.confirm('bob', 1));
    expectRefused(c, ev.confirm('bob', 2), 'ALREADY_SUBMITTED');
    expectRefused(
      c,
      { type: 'COMPLAIN', participant: 'bob', accused: 'alice', reason: 'x', at: 1 },
      'ALREADY_SUBMITTED',
    );
  });

  it('refuses events of another phase', () => {
    const s = sessionIn('round1');
    expect(expectRefused(s, ev.round2('alice', 1), 'WRONG_PHASE')).toBe(
      'ROUND2 is not accepted in phase round1 of session kg-1 (only in round2)',
    );
    expectRefused(s, ev.accept('alice', 1), 'WRONG_PHASE');
    expectRefused(newSession(), ev.round1('alice', 1), 'WRONG_PHASE');
    expectRefused(
      sessionIn('round2'),
      { type: 'COMPLAIN', participant: 'alice', accused: 'bob', reason: 'x', at: 1 },
      'WRONG_PHASE',
    );
  });

  it('refuses round-2 shares for the wrong recipients', () => {
    const s = sessionIn('round2');
    const missing = expectRefused(s, ev.round2('alice', 1, ['alice', 'bob']), 'INVALID_SUBMISSION');
    expect(missing).toBe('round-2 shares from alice: missing shares for carol');
    const extra = expectRefused(
      s,
      ev.round2('alice', 1, ['alice', 'bob', 'carol', 'mallory']),
      'INVALID_SUBMISSION',
    );
    expect(extra).toBe('round-2 shares from alice: unexpected recipients mallory');
    const self = {
      ...ev.round2('alice', 1),
      shares: { alice: 'x', bob: 'y', carol: 'z' },
    } as KeygenEvent;
    expect(expectRefused(s, self, 'INVALID_SUBMISSION')).toContain('unexpected recipients alice');
  });

  it('refuses a complaint against oneself', () => {
    const s = sessionIn('confirming');
    expectRefused(
      s,
      { type: 'COMPLAIN', participant: 'bob', accused: 'bob', reason: 'x', at: 1 },
      'INVALID_SUBMISSION',
    );
  });

  it('refuses everything once finished', () => {
    const s = completedSession();
    expect(expectRefused(s, { type: 'ABORT', by: 'coord', at: 1 }, 'SESSION_FINISHED')).toBe(
      'session kg-1 has ended (completed)',
    );
    expectRefused(s, ev.confirm('alice', 1), 'SESSION_FINISHED');
    expectRefused(s, { type: 'TIMEOUT', at: Number.MAX_SAFE_INTEGER }, 'SESSION_FINISHED');
  });

  it('reports an unknown event type', () => {
    const s = newSession();
    const bogus = { type: 'COMMIT', participant: 'alice', at: 1 } as unknown as KeygenEvent;
    expect(explainKeygenRejection(s.snapshot, bogus)?.code).toBe('UNKNOWN_EVENT');
  });
});

describe('keygen machine: input', () => {
  it('rejects inputs that break the session invariants', () => {
    const bad = [
      keygenInput({ threshold: 1 }),
      keygenInput({ threshold: 4 }),
      keygenInput({ participants: members(['alice', 'alice']) }),
      keygenInput({
        participants: members(['alice', 'bob']).map((p) => ({ ...p, index: p.index + 1 })),
      }),
      keygenInput({ timeouts: { inviteMs: 0, roundMs: 1 } }),
      keygenInput({ scheme: 'ed25519' as never }),
    ];
    for (const input of bad) expect(() => assertKeygenInput(input)).toThrow(SessionInputError);
    expect(() => assertKeygenInput(keygenInput())).not.toThrow();
  });

  it('sorts participants by index and keeps only public fields', () => {
    const shuffled = [...members(NAMES)].reverse().map((p) => ({ ...p, secret: 'x' }));
    const s = newSession(keygenInput({ participants: shuffled }));
    expect(s.snapshot.context.participants).toEqual(members(NAMES));
  });

  it('puts an actor with a bad input into the error state', () => {
    const actor = createActor(keygenMachine, { input: keygenInput({ threshold: 9 }) });
    expect(actor.getSnapshot().status).toBe('error');
    expect(actor.getSnapshot().error).toBeInstanceOf(SessionInputError);
  });
});

describe('keygen machine: persistence', () => {
  it('continues correctly from a JSON round-tripped snapshot in every phase', () => {
    for (const phase of ['inviting', 'round1', 'round2', 'confirming'] as const) {
      const s = sessionIn(phase);
      const stored = jsonRoundTrip(s.actor.getPersistedSnapshot());
      expect(stored).toMatchObject({ status: 'active', value: phase });
      const restored = new Session(keygenMachine, keygenInput(), stored);
      expect(restored.snapshot.value).toBe(phase);
      expect(restored.snapshot.context).toEqual(s.snapshot.context);
      expect(restored.emitted).toEqual([]); // restoring re-runs no entry actions
      // A duplicate is still refused after restoring mid-phase.
      const name = 'alice';
      const first = {
        inviting: ev.accept,
        round1: ev.round1,
        round2: ev.round2,
        confirming: ev.confirm,
      }[phase];
      restored.send(first(name, T0 + 5_000));
      restored.restart();
      expect(explainKeygenRejection(restored.snapshot, first(name, T0 + 5_001))?.code).toMatch(
        /ALREADY_/,
      );
    }
  });

  it('gives the same notifications and result when restored before every event', () => {
    const plain = completedSession(false);
    const restored = completedSession(true);
    expect(restored.emitted).toEqual(plain.emitted);
    expect(restored.snapshot.value).toBe('completed');
    expect(restored.snapshot.context).toEqual(plain.snapshot.context);
  });

  it('still times out after a restore (the deadline is in the snapshot)', () => {
    const s = sessionIn('round2').restart();
    const deadline = s.snapshot.context.deadline ?? 0;
    s.send({ type: 'TIMEOUT', at: deadline + 60_000 });
    expect(s.snapshot.value).toBe('timed_out');
  });
});

describe('keygen machine: generated paths (xstate/graph)', () => {
  const AT_ALL = T0 + 1_000;
  const LATE = T0 + 10_000_000;
  const names = ['alice', 'bob', 'carol'];
  const events: KeygenEvent[] = [
    ...names.map((n) => ev.accept(n, AT_ALL)),
    ev.reject('bob', AT_ALL, 'busy'),
    ev.accept('mallory', AT_ALL),
    ...names.map((n) => ev.round1(n, AT_ALL)),
    ev.round1('mallory', AT_ALL),
    ...names.map((n) => ev.round2(n, AT_ALL)),
    ev.round2('alice', AT_ALL, ['alice', 'bob']),
    ...names.map((n) => ev.confirm(n, AT_ALL)),
    ev.confirm('carol', AT_ALL, OTHER_KEY),
    { type: 'COMPLAIN', participant: 'carol', accused: 'alice', reason: 'bad share', at: AT_ALL },
    { type: 'FAIL', reason: 'invalid proof', culprits: ['alice'], at: AT_ALL },
    { type: 'TIMEOUT', at: AT_ALL },
    { type: 'TIMEOUT', at: LATE },
    { type: 'ABORT', by: 'coord', at: AT_ALL },
  ];
  const input = keygenInput();
  const options = {
    input,
    events,
    // The pure transition() does not check the actor status; a live actor ignores every event
    // once done, so the traversal stops at final states too.
    stopWhen: (snapshot: { status: string }) => snapshot.status !== 'active',
    serializeState: (snapshot: { value: unknown; context: unknown }) =>
      canonicalJson({ value: snapshot.value, context: snapshot.context }),
  };
  const paths = getShortestPaths(keygenMachine, options);

  function checkInvariants(value: KeygenPhase, c: KeygenContext) {
    expect(KEYGEN_PHASES).toContain(value);
    if (value in KEYGEN_DONE_STATUS) {
      const phase = value as KeygenWorkingPhase;
      expect(c.phase).toBe(phase);
      const owed = c.participants.filter((p) => c.status[p.name] !== KEYGEN_DONE_STATUS[phase]);
      expect(c.waitingFor).toEqual(owed.map((p) => p.name));
      expect(c.waitingFor.length).toBeGreaterThan(0);
      expect(c.deadline).toBe(
        c.phaseStartedAt + (phase === 'inviting' ? TIMEOUTS.inviteMs : TIMEOUTS.roundMs),
      );
      expect(c.error).toBeNull();
      return;
    }
    expect(c.deadline).toBeNull();
    expect(c.endedAt).not.toBeNull();
    if (value === 'completed') {
      expect(c.waitingFor).toEqual([]);
      expect(c.error).toBeNull();
      expect(Object.values(c.status).every((st) => st === 'confirmed')).toBe(true);
      expect(Object.keys(c.result?.verifyingShares ?? {})).toEqual(names);
      return;
    }
    expect(c.result).toBeNull();
    expect(c.error?.message).toBeTruthy();
    if (value === 'timed_out') expect(c.waitingFor).toEqual(c.error?.waitingFor);
    else expect(c.waitingFor).toEqual([]);
    if (value === 'rejected') expect(c.status[c.error?.culprits[0] ?? '']).toBe('rejected');
    if (value === 'aborted') expect(c.error?.by).toBe('coord');
    if (value === 'failed') expect(c.error?.culprits.length).toBeGreaterThan(0);
  }

  it('reaches every phase and every terminal state', () => {
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual([...KEYGEN_PHASES].sort());
    const failures = new Set(
      paths.filter((p) => p.state.value === 'failed').map((p) => p.state.context.error?.code),
    );
    expect([...failures].sort()).toEqual(['COMPLAINT', 'GROUP_KEY_MISMATCH', 'PROTOCOL_VIOLATION']);
  });

  it('keeps every reachable state consistent', () => {
    for (const path of paths) checkInvariants(path.state.value as KeygenPhase, path.state.context);
  });

  it('takes an event exactly when explainKeygenRejection finds nothing wrong', () => {
    const adjacency = getAdjacencyMap(asLogic(keygenMachine), options);
    let accepted = 0;
    let refused = 0;
    for (const { state, event, nextState } of adjacencyMapToArray(adjacency)) {
      const changed = options.serializeState(nextState) !== options.serializeState(state);
      const rejection = explainKeygenRejection(state, event);
      expect({ event, changed }).toEqual({ event, changed: rejection === null });
      if (changed) accepted++;
      else refused++;
    }
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  it('replays each path on a real actor restored from JSON before every event', () => {
    for (const path of paths) {
      const s = new Session(keygenMachine, input);
      for (const step of path.steps) s.restart().send(step.event);
      expect(s.snapshot.value).toBe(path.state.value);
      expect(s.snapshot.context).toEqual(path.state.context);
      const terminal = s.emitted.filter((n) => n.type.startsWith('session_'));
      expect(terminal.length).toBe(s.snapshot.status === 'done' ? 1 : 0);
    }
  });
});
