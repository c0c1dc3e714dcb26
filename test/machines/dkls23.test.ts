/**
 * The DKLs23 keygen and signing descriptions run by the one session machine, pure (no crypto:
 * the server's checks are tested in test/sessions/dkls23.test.ts): what each round relays to
 * whom, that relayed sealed messages leave the snapshot, attempts and SECRETS_LOST, complaints,
 * and restoring from JSON before every event.
 */
import { describe, expect, it } from 'vitest';
import { sessionMachine } from '../../machines/index.js';
import { dklsKeygenSession } from '../../protocol/dkls23/sessions/keygen.js';
import { assertDklsSignInput, dklsSignSession } from '../../protocol/dkls23/sessions/sign.js';
import { SessionInputError } from '../../protocol/session/common.js';
import type { DklsKeygenContext } from '../../protocol/dkls23/sessions/keygen-types.js';
import type { DklsSignContext } from '../../protocol/dkls23/sessions/sign-types.js';
import { members, NAMES, Session, T0, TIMEOUTS } from './support/session.js';

const keygenMachine = sessionMachine(dklsKeygenSession);
/** The machine tests' Session is typed for the FROST contexts; these are DKLs23's. */
const keygenOf = (session: Session) => session.snapshot.context as unknown as DklsKeygenContext;
const signOf = (session: Session) => session.snapshot.context as unknown as DklsSignContext;
const signMachine = sessionMachine(dklsSignSession);
const sealed = (from: string, to: string, round: string) => `${from}>${to}@${round}`;
const directFrom = (from: string, names: readonly string[], round: string) =>
  Object.fromEntries(names.filter((n) => n !== from).map((to) => [to, sealed(from, to, round)]));

const keygenInput = {
  sessionId: 'kg-d',
  coordinator: 'coord',
  scheme: 'dkls23-secp256k1' as const,
  threshold: 2,
  participants: members(NAMES),
  timeouts: TIMEOUTS,
  at: T0,
};

function acceptAll(session: Session, names: readonly string[], at: number) {
  for (const participant of names) session.send({ type: 'RESPOND', participant, accept: true, at });
}

describe('dkls23-keygen through the session machine', () => {
  function keygenIn(restartBeforeEachEvent: boolean) {
    const session = new Session(keygenMachine, keygenInput);
    const step = (event: Parameters<typeof session.send>[0]) => {
      if (restartBeforeEachEvent) session.restart();
      session.send(event);
    };
    return { session, step };
  }

  it.each([false, true])(
    'relays broadcasts and sealed messages, forgets them (restart: %s)',
    (restart) => {
      const { session, step } = keygenIn(restart);
      for (const participant of NAMES)
        step({ type: 'RESPOND', participant, accept: true, at: T0 + 1 });
      expect(session.snapshot.value).toBe('round1');
      const from = session.emitted.length;
      for (const participant of NAMES) {
        step({
          type: 'ROUND1',
          participant,
          broadcast: { commitments: [participant], proof: participant },
          direct: directFrom(participant, NAMES, 'r1'),
          at: T0 + 2,
        } as never);
      }
      expect(session.snapshot.value).toBe('round2');
      const relays = session.since(from).filter((n) => n.type === 'dkls23_keygen_round1');
      expect(relays.map((r) => r.recipient)).toEqual([...NAMES]);
      const toBob = relays[1]!.payload as {
        broadcasts: Array<{ name: string; broadcast: unknown }>;
        messages: Array<{ from: string; fromIndex: number; ciphertext: string }>;
      };
      expect(toBob.broadcasts.map((b) => b.name)).toEqual([...NAMES]);
      expect(toBob.messages).toEqual([
        { from: 'alice', fromIndex: 1, ciphertext: sealed('alice', 'bob', 'r1') },
        { from: 'carol', fromIndex: 3, ciphertext: sealed('carol', 'bob', 'r1') },
      ]);
      // Relayed: the snapshot keeps the broadcasts (the confirmations are checked against them),
      // not the sealed messages.
      expect(keygenOf(session).direct).toEqual({});
      expect(JSON.stringify(session.stored())).not.toContain(sealed('alice', 'bob', 'r1'));
      expect(Object.keys(keygenOf(session).broadcasts)).toEqual([...NAMES]);

      for (const participant of NAMES) {
        step({
          type: 'ROUND2',
          participant,
          direct: directFrom(participant, NAMES, 'r2'),
          at: T0 + 3,
        } as never);
      }
      expect(session.snapshot.value).toBe('confirming');
      expect(keygenOf(session).direct).toEqual({});
      for (const participant of NAMES) {
        step({
          type: 'CONFIRM',
          participant,
          groupPublicKey: '02aa',
          verifyingShare: `03${participant}`,
          escrow: `escrow-${participant}`,
          at: T0 + 4,
        } as never);
      }
      expect(session.snapshot.value).toBe('completed');
      expect(keygenOf(session).result?.escrows).toEqual({
        alice: 'escrow-alice',
        bob: 'escrow-bob',
        carol: 'escrow-carol',
      });
    },
  );

  it('refuses round-1 messages that do not address every other member exactly once', () => {
    const { session } = keygenIn(false);
    acceptAll(session, NAMES, T0 + 1);
    const event = {
      type: 'ROUND1',
      participant: 'alice',
      broadcast: {},
      direct: { bob: 'x' },
      at: T0 + 2,
    } as never;
    expect(session.snapshot.can(event)).toBe(false);
    session.send(event);
    expect(keygenOf(session).status['alice']).toBe('accepted');
  });

  it('a complaint in round2 fails the keygen naming accuser and accused', () => {
    const { session } = keygenIn(false);
    acceptAll(session, NAMES, T0 + 1);
    for (const participant of NAMES) {
      session.send({
        type: 'ROUND1',
        participant,
        broadcast: {},
        direct: directFrom(participant, NAMES, 'r1'),
        at: T0 + 2,
      } as never);
    }
    session.send({
      type: 'COMPLAIN',
      participant: 'bob',
      accused: 'carol',
      reason: 'PROOF_INVALID: bad',
      at: T0 + 3,
    } as never);
    expect(session.snapshot.value).toBe('failed');
    expect(keygenOf(session).error).toMatchObject({
      code: 'COMPLAINT',
      accuser: 'bob',
      accused: 'carol',
      culprits: ['carol', 'bob'],
    });
  });
});

describe('dkls23-sign through the session machine', () => {
  const signers = members(NAMES).slice(0, 2);
  const signInput = {
    sessionId: 'sg-d',
    coordinator: 'coord',
    scheme: 'dkls23-secp256k1' as const,
    threshold: 2,
    keyId: 'key_1',
    digest: '42'.repeat(32),
    hashed: null,
    signers: signers.map((s) => ({ ...s, escrow: `escrow-${s.name}` })),
    maxRestarts: 1,
    timeouts: TIMEOUTS,
    at: T0,
  };
  const names = signers.map((s) => s.name);
  const roundEvent = (type: string, participant: string, attempt: number, at: number) => ({
    type,
    participant,
    attempt,
    broadcast: { v: `${type}-${participant}-${attempt}` },
    ...(type === 'ROUND3' ? {} : { direct: directFrom(participant, names, `${type}/${attempt}`) }),
    at,
  });

  it('refuses other than exactly t signers and a digest that is not 32 bytes', () => {
    expect(() => assertDklsSignInput({ ...signInput, threshold: 3 })).toThrow(SessionInputError);
    const three = members(NAMES).map((m) => ({ ...m, escrow: null }));
    expect(() => assertDklsSignInput({ ...signInput, signers: three })).toThrow(/exactly 2/);
    expect(() => assertDklsSignInput({ ...signInput, digest: 'ab' })).toThrow(/32 bytes/);
    expect(() => assertDklsSignInput(signInput)).not.toThrow();
  });

  it.each([false, true])(
    'runs three rounds and waits for the combine; a lost secret restarts the attempt (restart: %s)',
    (restart) => {
      const session = new Session(signMachine, signInput);
      const step = (event: unknown) => {
        if (restart) session.restart();
        session.send(event as never);
      };
      for (const participant of names)
        step({ type: 'RESPOND', participant, accept: true, at: T0 + 1 });
      const invite = session.emitted.find((n) => n.type === 'sign_invite' && n.recipient === 'bob');
      expect(invite?.payload).toMatchObject({
        message: signInput.digest,
        commitRound: 1,
        escrow: 'escrow-bob',
      });
      expect(session.snapshot.value).toBe('round1');
      step(roundEvent('ROUND1', 'alice', 1, T0 + 2));
      // Bob lost his secrets: everyone starts attempt 2; alice's round 1 of attempt 1 is gone.
      const before = session.emitted.length;
      step({ type: 'SECRETS_LOST', participant: 'bob', attempt: 1, at: T0 + 3 });
      expect(session.snapshot.value).toBe('round1');
      expect(signOf(session)).toMatchObject({ attempt: 2, round1: {}, direct: {} });
      expect(signOf(session).status).toEqual({ alice: 'accepted', bob: 'accepted' });
      expect(session.types(before)).toEqual(
        expect.arrayContaining(['dkls23_sign_restarted', 'phase_changed']),
      );
      const phase = session.since(before).find((n) => n.type === 'phase_changed');
      expect(phase?.payload).toMatchObject({ phase: 'round1', attempt: 2 });
      // An event of the old attempt is stale.
      expect(session.snapshot.can(roundEvent('ROUND1', 'alice', 1, T0 + 4) as never)).toBe(false);
      for (const p of names) step(roundEvent('ROUND1', p, 2, T0 + 4));
      expect(session.snapshot.value).toBe('round2');
      for (const p of names) step(roundEvent('ROUND2', p, 2, T0 + 5));
      expect(session.snapshot.value).toBe('round3');
      expect(signOf(session).direct).toEqual({});
      for (const p of names) step(roundEvent('ROUND3', p, 2, T0 + 6));
      expect(session.snapshot.value).toBe('round3'); // the server combines
      // Round 3 spent bob's secrets: a loss now is refused.
      expect(
        session.snapshot.can({
          type: 'SECRETS_LOST',
          participant: 'bob',
          attempt: 2,
          at: T0 + 7,
        } as never),
      ).toBe(false);
      const result = {
        signature: 'ab',
        r: 'a',
        s: 'b',
        recoveryId: 0,
        der: '30',
        ethereum: 'ab1b',
      };
      step({ type: 'AGGREGATED', result, at: T0 + 7 });
      expect(session.snapshot.value).toBe('completed');
      expect(signOf(session).result).toEqual(result);
    },
  );

  it('fails SECRETS_LOST once the restarts are spent, naming the signer', () => {
    const session = new Session(signMachine, signInput);
    acceptAll(session, names, T0 + 1);
    session.send({ type: 'SECRETS_LOST', participant: 'alice', attempt: 1, at: T0 + 2 } as never);
    session.send({ type: 'SECRETS_LOST', participant: 'alice', attempt: 2, at: T0 + 3 } as never);
    expect(session.snapshot.value).toBe('failed');
    expect(signOf(session).error).toMatchObject({
      code: 'SECRETS_LOST',
      culprits: ['alice'],
    });
  });

  it('hears a complaint in round2 and round3, not in round1', () => {
    const session = new Session(signMachine, signInput);
    acceptAll(session, names, T0 + 1);
    const complaint = {
      type: 'COMPLAIN',
      participant: 'alice',
      accused: 'bob',
      reason: 'x',
      at: T0 + 2,
    };
    expect(session.snapshot.can(complaint as never)).toBe(false);
    for (const p of names) session.send(roundEvent('ROUND1', p, 1, T0 + 2) as never);
    expect(session.snapshot.can(complaint as never)).toBe(true);
    session.send(complaint as never);
    expect(signOf(session).error).toMatchObject({ code: 'COMPLAINT', accused: 'bob' });
  });
});
