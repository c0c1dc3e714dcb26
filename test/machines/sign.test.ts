import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import {
  assertSignInput,
  DEFAULT_MAX_COMMIT_RESTARTS,
  explainSignRejection,
  SessionInputError,
  SIGN_DONE_STATUS,
  SIGN_PHASES,
  signMachine,
  type SignContext,
  type SignEvent,
  type SignPhase,
  type SignWorkingPhase,
} from '../../machines/index.js';
import {
  asLogic,
  canonicalJson,
  jsonRoundTrip,
  Session,
  signers,
  signInput,
  T0,
  TIMEOUTS,
} from './fixtures.js';

const NAMES = ['alice', 'bob', 'carol'] as const;
const SIGNATURE = 'ab'.repeat(64);

/** Distinct, round-specific commitment hex per participant. */
function nonceHex(kind: 'h' | 'b', participant: string, round: number): string {
  const tag = Buffer.from(`${kind}:${participant}:${round}`).toString('hex');
  return ('02' + tag).padEnd(66, '0');
}

const ev = {
  accept: (participant: string, at: number): SignEvent => ({
    type: 'RESPOND',
    participant,
    accept: true,
    at,
  }),
  reject: (participant: string, at: number, reason?: string): SignEvent => ({
    type: 'RESPOND',
    participant,
    accept: false,
    ...(reason ? { reason } : {}),
    at,
  }),
  commit: (
    participant: string,
    commitRound: number,
    at: number,
    noncesOfRound = commitRound,
  ): SignEvent => ({
    type: 'COMMIT',
    participant,
    commitRound,
    commitments: {
      hiding: nonceHex('h', participant, noncesOfRound),
      binding: nonceHex('b', participant, noncesOfRound),
    },
    at,
  }),
  share: (participant: string, commitRound: number, at: number): SignEvent => ({
    type: 'SHARE',
    participant,
    commitRound,
    share: `share-${participant}-${commitRound}`,
    at,
  }),
  lost: (participant: string, at: number, commitRound?: number): SignEvent => ({
    type: 'NONCES_LOST',
    participant,
    ...(commitRound === undefined ? {} : { commitRound }),
    at,
  }),
  aggregated: (at: number): SignEvent => ({ type: 'AGGREGATED', signature: SIGNATURE, at }),
};

const AT = { respond: T0 + 1_000, commit: T0 + 2_000, share: T0 + 3_000, done: T0 + 4_000 };

function newSession(input = signInput()) {
  return new Session(signMachine, input);
}

function sessionIn(phase: SignWorkingPhase | 'ready', restartBeforeEachEvent = false) {
  const s = newSession();
  const send = (event: SignEvent) => {
    if (restartBeforeEachEvent) s.restart();
    s.send(event);
  };
  const steps: Array<[SignWorkingPhase, (name: string) => SignEvent]> = [
    ['inviting', (n) => ev.accept(n, AT.respond)],
    ['commitments', (n) => ev.commit(n, 1, AT.commit)],
    ['shares', (n) => ev.share(n, 1, AT.share)],
  ];
  for (const [from, make] of steps) {
    if (from === phase) return s;
    for (const name of NAMES) send(make(name));
  }
  return s; // 'ready': every share is in, waiting for AGGREGATED
}

function expectRefused(s: Session<typeof signMachine>, event: SignEvent, code: string) {
  const before = jsonRoundTrip(s.actor.getPersistedSnapshot());
  const emittedBefore = s.emitted.length;
  const rejection = explainSignRejection(s.snapshot, event);
  expect(rejection?.code).toBe(code);
  if (s.snapshot.status !== 'active') return rejection?.message ?? ''; // a done actor ignores all
  expect(s.snapshot.can(event)).toBe(false);
  s.send(event);
  expect(jsonRoundTrip(s.actor.getPersistedSnapshot())).toEqual(before);
  expect(s.emitted.length).toBe(emittedBefore);
  return rejection?.message ?? '';
}

describe('sign machine: happy path', () => {
  it("invites with each signer's own escrow, collects commitments and shares, completes", () => {
    const input = signInput({
      signers: signers(NAMES, [1, 3, 5]).map((p) =>
        p.name === 'carol' ? { ...p, escrow: null } : p,
      ),
    });
    const s = newSession(input);
    expect(s.types()).toEqual([
      'sign_invite>alice',
      'sign_invite>bob',
      'sign_invite>carol',
      'phase_changed',
    ]);
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
    for (const n of s.emitted) {
      const leaked = ['escrow-of-alice', 'escrow-of-bob'].filter((e) =>
        JSON.stringify(n).includes(e),
      );
      expect(leaked.every((e) => e === `escrow-of-${n.recipient}`)).toBe(true);
    }

    for (const name of NAMES) s.send(ev.accept(name, AT.respond));
    expect(s.snapshot.value).toBe('commitments');
    expect(s.emitted.at(-1)?.payload).toEqual({
      sessionId: 'sg-1',
      phase: 'commitments',
      waitingFor: [...NAMES],
      deadline: AT.respond + TIMEOUTS.roundMs,
      phaseStartedAt: AT.respond,
      commitRound: 1,
    });

    let mark = s.emitted.length;
    for (const name of ['bob', 'carol', 'alice']) s.send(ev.commit(name, 1, AT.commit));
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
    expect(s.snapshot.context.deadline).toBe(AT.commit + TIMEOUTS.roundMs);

    mark = s.emitted.length;
    s.send(ev.share('alice', 1, AT.share)).send(ev.share('bob', 1, AT.share));
    expectRefused(s, ev.aggregated(AT.share), 'NOT_READY');
    s.send(ev.share('carol', 1, AT.share));
    expect(s.snapshot.value).toBe('shares');
    expect(s.snapshot.context.waitingFor).toEqual([]);
    expect(s.snapshot.context.shares).toEqual({
      alice: 'share-alice-1',
      bob: 'share-bob-1',
      carol: 'share-carol-1',
    });
    s.send(ev.aggregated(AT.done));
    expect(s.snapshot.value).toBe('completed');
    expect(s.types(mark)).toEqual(['submitted', 'submitted', 'submitted', 'session_completed']);
    expect(s.emitted.at(-1)?.payload).toEqual({
      sessionId: 'sg-1',
      state: 'completed',
      result: { signature: SIGNATURE },
    });
    expect(s.snapshot.context).toMatchObject({
      result: { signature: SIGNATURE },
      waitingFor: [],
      deadline: null,
      endedAt: AT.done,
      error: null,
    });
  });
});

describe('sign machine: lost nonces', () => {
  it('restarts the commitment round with fresh nonces and never reuses a commitment', () => {
    const s = sessionIn('commitments');
    s.send(ev.commit('alice', 1, AT.commit)).send(ev.commit('bob', 1, AT.commit));
    const mark = s.emitted.length;
    s.send(ev.lost('bob', AT.commit + 500));
    expect(s.snapshot.value).toBe('commitments');
    expect(s.snapshot.context).toMatchObject({
      commitRound: 2,
      commitments: {},
      shares: {},
      status: { alice: 'accepted', bob: 'accepted', carol: 'accepted' },
      waitingFor: [...NAMES],
      deadline: AT.commit + 500 + TIMEOUTS.roundMs,
      phaseStartedAt: AT.commit + 500,
    });
    expect(s.types(mark)).toEqual(['commit_round_restarted', 'phase_changed']);
    expect(s.since(mark)[0]?.payload).toEqual({
      sessionId: 'sg-1',
      participant: 'bob',
      commitRound: 2,
      restartsLeft: DEFAULT_MAX_COMMIT_RESTARTS - 1,
    });
    expect(s.since(mark)[1]?.payload).toMatchObject({ phase: 'commitments', commitRound: 2 });

    expect(expectRefused(s, ev.commit('carol', 1, AT.commit), 'STALE_ROUND')).toBe(
      'COMMIT from carol is for commitment round 1; session sg-1 is in round 2',
    );
    // Round-1 nonces relabelled as round 2: refused.
    expectRefused(s, ev.commit('alice', 2, AT.commit, 1), 'COMMITMENT_REUSED');
    s.send(ev.commit('alice', 2, AT.commit));
    // Someone else's commitment of this round: refused as well.
    const copy = {
      ...ev.commit('carol', 2, AT.commit),
      commitments: { hiding: nonceHex('h', 'alice', 2), binding: nonceHex('b', 'carol', 2) },
    } as SignEvent;
    expectRefused(s, copy, 'COMMITMENT_REUSED');
    s.send(ev.commit('bob', 2, AT.commit)).send(ev.commit('carol', 2, AT.commit));
    expect(s.snapshot.value).toBe('shares');
    const pkg = s.emitted.find((n) => n.type === 'signing_package')?.payload as {
      commitRound: number;
    };
    expect(pkg.commitRound).toBe(2);
  });

  it('goes back from shares to a fresh commitment round and refuses stale shares', () => {
    const s = sessionIn('shares');
    s.send(ev.share('alice', 1, AT.share));
    s.send(ev.lost('carol', AT.share + 1));
    expect(s.snapshot.value).toBe('commitments');
    expect(s.snapshot.context).toMatchObject({ commitRound: 2, shares: {}, commitments: {} });
    expect(s.snapshot.context.spentCommitments).toHaveLength(6);
    expectRefused(s, ev.share('bob', 1, AT.share), 'WRONG_PHASE');
    for (const n of NAMES) s.send(ev.commit(n, 2, AT.commit));
    expectRefused(s, ev.share('bob', 1, AT.share), 'STALE_ROUND');
    s.send(ev.share('bob', 2, AT.share));
    expect(s.snapshot.context.shares).toEqual({ bob: 'share-bob-2' });
  });

  it('explains NONCES_LOST that needs no restart', () => {
    const s = sessionIn('commitments');
    expect(expectRefused(s, ev.lost('alice', 1), 'NOT_COMMITTED')).toContain('can simply commit');
    const sh = sessionIn('shares').send(ev.share('alice', 1, AT.share));
    expectRefused(sh, ev.lost('alice', 1), 'ALREADY_SUBMITTED');
    expectRefused(sh, ev.lost('mallory', 1), 'NOT_A_PARTICIPANT');
    expectRefused(newSession(), ev.lost('alice', 1), 'WRONG_PHASE');
  });

  it('refuses a late NONCES_LOST about an earlier round instead of restarting again', () => {
    const s = sessionIn('commitments');
    s.send(ev.commit('alice', 1, 1)).send(ev.lost('alice', 2, 1));
    expect(s.snapshot.context.commitRound).toBe(2);
    s.send(ev.commit('alice', 2, 3));
    expect(expectRefused(s, ev.lost('alice', 4, 1), 'STALE_ROUND')).toBe(
      'NONCES_LOST from alice is for commitment round 1; session sg-1 is in round 2',
    );
    s.send(ev.lost('alice', 5, 2));
    expect(s.snapshot.context.commitRound).toBe(3);
  });

  it('fails after the bounded number of restarts, naming who lost its nonces', () => {
    const s = sessionIn('commitments');
    for (let round = 1; round <= DEFAULT_MAX_COMMIT_RESTARTS; round++) {
      s.send(ev.commit('alice', round, AT.commit + round));
      s.send(ev.lost('alice', AT.commit + round));
      expect(s.snapshot.value).toBe('commitments');
    }
    expect(s.snapshot.context.commitRound).toBe(DEFAULT_MAX_COMMIT_RESTARTS + 1);
    expect(s.emitted.at(-2)?.payload).toMatchObject({ restartsLeft: 0 });
    s.send(ev.commit('bob', DEFAULT_MAX_COMMIT_RESTARTS + 1, AT.commit));
    s.send(ev.lost('bob', AT.commit + 100));
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error).toEqual({
      code: 'NONCES_LOST',
      message:
        'commitments failed: bob lost its nonces after the commitment round was restarted ' +
        '3 times (limit 3) (culprits: bob)',
      phase: 'commitments',
      culprits: ['bob'],
    });
    expect(s.emitted.at(-1)?.type).toBe('session_failed');
  });

  it('honours a custom restart limit, including none', () => {
    const s = newSession(signInput({ maxCommitRestarts: 0 }));
    for (const n of NAMES) s.send(ev.accept(n, 1));
    s.send(ev.commit('alice', 1, 2)).send(ev.lost('alice', 3));
    expect(s.snapshot.context.error?.code).toBe('NONCES_LOST');
  });
});

describe('sign machine: terminal states and refusals', () => {
  it('ends rejected naming who declined and why', () => {
    const s = newSession().send(ev.reject('carol', AT.respond, 'message not approved'));
    expect(s.snapshot.value).toBe('rejected');
    expect(s.snapshot.context.error).toMatchObject({
      code: 'REJECTED',
      culprits: ['carol'],
      message: 'carol rejected the invitation: message not approved',
    });
    expect(s.types(4)).toEqual(['participant_answered', 'session_rejected']);
  });

  it('times out naming waitingFor in every working phase', () => {
    for (const phase of ['inviting', 'commitments', 'shares'] as const) {
      const s = sessionIn(phase);
      const first = {
        inviting: ev.accept('bob', AT.respond),
        commitments: ev.commit('bob', 1, AT.commit),
        shares: ev.share('bob', 1, AT.share),
      }[phase];
      s.send(first);
      const deadline = s.snapshot.context.deadline ?? 0;
      expectRefused(s, { type: 'TIMEOUT', at: deadline - 1 }, 'DEADLINE_NOT_REACHED');
      s.send({ type: 'TIMEOUT', at: deadline });
      expect(s.snapshot.value).toBe('timed_out');
      expect(s.snapshot.context.waitingFor).toEqual(['alice', 'carol']);
      expect(s.emitted.at(-1)).toMatchObject({
        type: 'session_timed_out',
        payload: { waitingFor: ['alice', 'carol'], error: { phase } },
      });
    }
  });

  it('fails on a FAIL naming the culprits (e.g. a share that does not verify)', () => {
    const s = sessionIn('ready');
    s.send({
      type: 'FAIL',
      code: 'INVALID_SIGNATURE_SHARE',
      reason: 'signature share does not verify',
      culprits: ['carol'],
      at: AT.done,
    });
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error).toMatchObject({
      code: 'INVALID_SIGNATURE_SHARE',
      culprits: ['carol'],
      phase: 'shares',
    });
    expect(s.snapshot.context.result).toBeNull();
  });

  it('aborts', () => {
    const s = sessionIn('shares').send({ type: 'ABORT', by: 'admin', at: AT.share });
    expect(s.snapshot.value).toBe('aborted');
    expect(s.snapshot.context.error).toMatchObject({
      code: 'ABORTED',
      by: 'admin',
      message: 'aborted by admin during shares',
    });
    expect(s.emitted.at(-1)?.type).toBe('session_aborted');
  });

  it('refuses foreign, duplicate, wrong-phase and late events', () => {
    const s = sessionIn('commitments');
    expectRefused(s, ev.commit('mallory', 1, 1), 'NOT_A_PARTICIPANT');
    s.send(ev.commit('alice', 1, 1));
    expect(expectRefused(s, ev.commit('alice', 1, 1, 7), 'ALREADY_SUBMITTED')).toBe(
      'alice already submitted its nonce commitments (session sg-1)',
    );
    expectRefused(s, ev.share('alice', 1, 1), 'WRONG_PHASE');
    expectRefused(s, ev.aggregated(1), 'WRONG_PHASE');
    expectRefused(s, ev.accept('bob', 1), 'WRONG_PHASE');
    const sh = sessionIn('shares').send(ev.share('bob', 1, 1));
    expectRefused(sh, ev.share('bob', 1, 2), 'ALREADY_SUBMITTED');
    expectRefused(sh, ev.share('mallory', 1, 2), 'NOT_A_PARTICIPANT');
    const done = sessionIn('ready').send(ev.aggregated(AT.done));
    expectRefused(done, ev.aggregated(AT.done), 'SESSION_FINISHED');
    expectRefused(done, ev.lost('alice', AT.done), 'SESSION_FINISHED');
  });

  it('checks its input', () => {
    expect(() => assertSignInput(signInput({ signers: signers(['alice']) }))).toThrow(
      SessionInputError,
    );
    expect(() => assertSignInput(signInput({ signers: signers(['a', 'b'], [2, 2]) }))).toThrow(
      'index 2 is used twice',
    );
    expect(() => assertSignInput(signInput({ maxCommitRestarts: -1 }))).toThrow(SessionInputError);
    expect(
      createActor(signMachine, { input: signInput({ threshold: 4 }) }).getSnapshot().status,
    ).toBe('error');
  });
});

describe('sign machine: persistence', () => {
  it('continues correctly from a JSON round-tripped snapshot in every phase', () => {
    for (const phase of ['inviting', 'commitments', 'shares', 'ready'] as const) {
      const s = sessionIn(phase);
      const stored = jsonRoundTrip(s.actor.getPersistedSnapshot());
      const restored = new Session(signMachine, signInput(), stored);
      expect(restored.snapshot.value).toBe(phase === 'ready' ? 'shares' : phase);
      expect(restored.snapshot.context).toEqual(s.snapshot.context);
      expect(restored.emitted).toEqual([]);
    }
  });

  it('gives the same notifications when restored before every event, across a restart', () => {
    const run = (restart: boolean) => {
      const s = sessionIn('shares', restart);
      const steps = [
        ev.share('alice', 1, AT.share),
        ev.lost('bob', AT.share + 1),
        ...NAMES.map((n) => ev.commit(n, 2, AT.share + 2)),
        ...NAMES.map((n) => ev.share(n, 2, AT.share + 3)),
        ev.aggregated(AT.done),
      ];
      for (const step of steps) {
        if (restart) s.restart();
        s.send(step);
      }
      return s;
    };
    const plain = run(false);
    const restored = run(true);
    expect(plain.snapshot.value).toBe('completed');
    expect(restored.emitted).toEqual(plain.emitted);
    expect(restored.snapshot.context).toEqual(plain.snapshot.context);
    // The restart survived a restore: round-1 commitments are still spent.
    expect(restored.snapshot.context.spentCommitments).toContain(
      nonceHex('h', 'alice', 1).toLowerCase(),
    );
  });
});

describe('sign machine: generated paths (xstate/graph)', () => {
  const AT_ALL = T0 + 1_000;
  const input = signInput({ maxCommitRestarts: 1 });
  const eventsFor = (snapshot: { context: SignContext }): SignEvent[] => {
    const round = snapshot.context.commitRound;
    return [
      ...NAMES.map((n) => ev.accept(n, AT_ALL)),
      ev.reject('alice', AT_ALL, 'no'),
      ev.accept('mallory', AT_ALL),
      ...NAMES.map((n) => ev.commit(n, round, AT_ALL)),
      ev.commit('bob', round + 1, AT_ALL),
      ...(round > 1 ? [ev.commit('carol', round, AT_ALL, round - 1)] : []),
      ...NAMES.map((n) => ev.share(n, round, AT_ALL)),
      ...(round > 1 ? [ev.share('alice', round - 1, AT_ALL)] : []),
      ...NAMES.map((n) => ev.lost(n, AT_ALL)),
      ev.lost('bob', AT_ALL, round),
      ...(round > 1 ? [ev.lost('carol', AT_ALL, round - 1)] : []),
      ev.aggregated(AT_ALL),
      { type: 'FAIL', reason: 'share does not verify', culprits: ['bob'], at: AT_ALL },
      { type: 'TIMEOUT', at: AT_ALL },
      { type: 'TIMEOUT', at: AT_ALL + 10_000_000 },
      { type: 'ABORT', by: 'coord', at: AT_ALL },
    ];
  };
  const options = {
    input,
    events: eventsFor,
    stopWhen: (snapshot: { status: string }) => snapshot.status !== 'active',
    serializeState: (snapshot: { value: unknown; context: unknown }) =>
      canonicalJson({ value: snapshot.value, context: snapshot.context }),
  };
  const paths = getShortestPaths(signMachine, options);

  function checkInvariants(value: SignPhase, c: SignContext) {
    expect(SIGN_PHASES).toContain(value);
    expect(c.commitRound).toBeGreaterThanOrEqual(1);
    expect(c.commitRound).toBeLessThanOrEqual(input.maxCommitRestarts! + 1);
    const current = Object.values(c.commitments).flatMap((x) => [
      x.hiding.toLowerCase(),
      x.binding.toLowerCase(),
    ]);
    expect(current.filter((h) => c.spentCommitments.includes(h))).toEqual([]);
    if (value in SIGN_DONE_STATUS) {
      const phase = value as SignWorkingPhase;
      const owed = c.participants.filter((p) => c.status[p.name] !== SIGN_DONE_STATUS[phase]);
      expect(c.waitingFor).toEqual(owed.map((p) => p.name));
      expect(c.deadline).toBe(
        c.phaseStartedAt + (phase === 'inviting' ? TIMEOUTS.inviteMs : TIMEOUTS.roundMs),
      );
      if (phase === 'shares') expect(Object.keys(c.commitments)).toHaveLength(NAMES.length);
      return;
    }
    expect(c.deadline).toBeNull();
    if (value === 'completed') {
      expect(c.waitingFor).toEqual([]);
      expect(c.result).toEqual({ signature: SIGNATURE });
      expect(Object.keys(c.shares)).toHaveLength(NAMES.length);
      return;
    }
    expect(c.error?.message).toBeTruthy();
    if (value === 'timed_out') expect(c.waitingFor).toEqual(c.error?.waitingFor);
    else expect(c.waitingFor).toEqual([]);
  }

  it('reaches every phase and terminal state, including the bounded NONCES_LOST failure', () => {
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual([...SIGN_PHASES].sort());
    const failures = new Set(
      paths.filter((p) => p.state.value === 'failed').map((p) => p.state.context.error?.code),
    );
    expect([...failures].sort()).toEqual(['NONCES_LOST', 'PROTOCOL_VIOLATION']);
    expect(
      paths.some((p) => p.state.value === 'completed' && p.state.context.commitRound === 2),
    ).toBe(true);
  });

  it('keeps every reachable state consistent', () => {
    for (const path of paths) checkInvariants(path.state.value as SignPhase, path.state.context);
  });

  it('takes an event exactly when explainSignRejection finds nothing wrong', () => {
    const adjacency = getAdjacencyMap(asLogic(signMachine), options);
    const seen = { accepted: 0, refused: 0 };
    for (const { state, event, nextState } of adjacencyMapToArray(adjacency)) {
      const changed = options.serializeState(nextState) !== options.serializeState(state);
      expect({ event, changed }).toEqual({
        event,
        changed: explainSignRejection(state, event) === null,
      });
      seen[changed ? 'accepted' : 'refused']++;
    }
    expect(seen.accepted).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(50);
  });

  it('replays each path on a real actor restored from JSON before every event', () => {
    for (const path of paths) {
      const s = new Session(signMachine, input);
      for (const step of path.steps) s.restart().send(step.event);
      expect(s.snapshot.value).toBe(path.state.value);
      expect(s.snapshot.context).toEqual(path.state.context);
    }
  });
});
