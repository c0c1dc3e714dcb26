/** A 2-of-3 signing (alice, bob, carol) and the events that drive it, phase by phase. */
import {
  signMachine,
  type SignContext,
  type SignEvent,
  type Signer,
  type SignInput,
  type SignWorkingPhase,
} from '../../../machines/index.js';
import { members, NAMES, Session, T0, TIMEOUTS } from './session.js';

export const SIGNATURE = 'ab'.repeat(64);

export type SignSession = Session<SignContext, SignEvent>;
/** `shares` with every share in: the session waits for AGGREGATED. */
export type SignStage = SignWorkingPhase | 'ready';

/** Signers with an escrow `escrow-of-<name>` each, indexes 1..n unless given. */
export function signers(names: readonly string[], indexes?: readonly number[]): Signer[] {
  return members(names).map((p, i) => ({
    ...p,
    index: indexes?.[i] ?? p.index,
    escrow: `escrow-of-${p.name}`,
  }));
}

export function signInput(overrides: Partial<SignInput> = {}): SignInput {
  return {
    sessionId: 'sg-1',
    coordinator: 'coord',
    scheme: 'frost-secp256k1',
    keyId: 'key-1',
    message: 'deadbeef',
    threshold: 2,
    signers: signers(NAMES),
    timeouts: TIMEOUTS,
    at: T0,
    ...overrides,
  };
}

/** Distinct, round-specific commitment hex per participant. */
export function nonceHex(kind: 'h' | 'b', participant: string, round: number): string {
  const tag = Buffer.from(`${kind}:${participant}:${round}`).toString('hex');
  return ('02' + tag).padEnd(66, '0');
}

export const sg = {
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
  /** Commitments for `commitRound` made of the nonces of `noncesOfRound` (default: the same). */
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

/** When `signIn` sends each phase's events. */
export const SIGN_AT = {
  respond: T0 + 1_000,
  commit: T0 + 2_000,
  share: T0 + 3_000,
  done: T0 + 4_000,
};

/** The event by which `name` does its part of `phase` (in commitment round 1). */
export function signSubmission(phase: SignWorkingPhase, name: string, at: number): SignEvent {
  if (phase === 'inviting') return sg.accept(name, at);
  return phase === 'commitments' ? sg.commit(name, 1, at) : sg.share(name, 1, at);
}

export function openSign(input: SignInput = signInput()): SignSession {
  return new Session<SignContext, SignEvent>(signMachine, input);
}

/**
 * A default session driven to `stage` (everyone does each earlier phase at its SIGN_AT time, in
 * index order), optionally restored from JSON before every event.
 */
export function signIn(stage: SignStage, restartBeforeEachEvent = false): SignSession {
  const s = openSign();
  const times: Record<SignWorkingPhase, number> = {
    inviting: SIGN_AT.respond,
    commitments: SIGN_AT.commit,
    shares: SIGN_AT.share,
  };
  for (const [from, at] of Object.entries(times) as Array<[SignWorkingPhase, number]>) {
    if (from === stage) return s;
    for (const name of NAMES) {
      if (restartBeforeEachEvent) s.restart();
      s.send(signSubmission(from, name, at));
    }
  }
  return s;
}
