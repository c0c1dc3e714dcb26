/** A 2-of-3 keygen (alice, bob, carol) and the events that drive it, phase by phase. */
import {
  keygenMachine,
  type KeygenContext,
  type KeygenEvent,
  type KeygenInput,
  type KeygenWorkingPhase,
} from '../../../machines/index.js';
import { members, NAMES, Session, T0, TIMEOUTS } from './session.js';

export const GROUP_KEY = '02' + 'ab'.repeat(32);
export const OTHER_KEY = '03' + 'cd'.repeat(32);

export type KeygenSession = Session<KeygenContext, KeygenEvent>;

export function keygenInput(overrides: Partial<KeygenInput> = {}): KeygenInput {
  return {
    sessionId: 'kg-1',
    coordinator: 'coord',
    scheme: 'frost-secp256k1',
    label: 'treasury',
    threshold: 2,
    participants: members(NAMES),
    timeouts: TIMEOUTS,
    at: T0,
    ...overrides,
  };
}

export const kg = {
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
  /** A ciphertext `ct-<from>-to-<to>` for every one of `names` but the sender. */
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
  complain: (participant: string, accused: string, at: number, reason = 'x'): KeygenEvent => ({
    type: 'COMPLAIN',
    participant,
    accused,
    reason,
    at,
  }),
};

/** When `keygenIn` sends each phase's events. */
export const KEYGEN_AT = {
  respond: T0 + 1_000,
  round1: T0 + 2_000,
  round2: T0 + 3_000,
  confirm: T0 + 4_000,
};

/** The event by which `name` does its part of `phase`. */
export function keygenSubmission(phase: KeygenWorkingPhase, name: string, at: number) {
  const make = {
    inviting: kg.accept,
    round1: kg.round1,
    round2: kg.round2,
    confirming: kg.confirm,
  };
  return make[phase](name, at);
}

export function openKeygen(input: KeygenInput = keygenInput()): KeygenSession {
  return new Session<KeygenContext, KeygenEvent>(keygenMachine, input);
}

/**
 * A default session driven into `phase` (everyone does each earlier phase at its KEYGEN_AT time,
 * in index order), optionally restored from JSON before every event.
 */
export function keygenIn(
  phase: KeygenWorkingPhase | 'completed',
  restartBeforeEachEvent = false,
): KeygenSession {
  const s = openKeygen();
  const times: Record<KeygenWorkingPhase, number> = {
    inviting: KEYGEN_AT.respond,
    round1: KEYGEN_AT.round1,
    round2: KEYGEN_AT.round2,
    confirming: KEYGEN_AT.confirm,
  };
  for (const [from, at] of Object.entries(times) as Array<[KeygenWorkingPhase, number]>) {
    if (from === phase) return s;
    for (const name of NAMES) {
      if (restartBeforeEachEvent) s.restart();
      s.send(keygenSubmission(from, name, at));
    }
  }
  return s;
}
