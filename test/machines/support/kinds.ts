/**
 * One fixture per session kind, for the behaviours keygen and signing share (consent, deadlines,
 * abort, FAIL, restore, input checks): each test is written once with `describe.each(KINDS)`.
 */
import {
  assertKeygenInput,
  assertSignInput,
  keygenMachine,
  signMachine,
  type AnySessionEvent,
  type KeygenWorkingPhase,
  type SessionKind,
  type SignWorkingPhase,
  type Timeouts,
} from '../../../machines/index.js';
import { keygenIn, keygenInput, keygenSubmission, KEYGEN_AT, kg, openKeygen } from './keygen.js';
import { members, Session } from './session.js';
import { openSign, sg, signers, signIn, signInput, signSubmission, SIGN_AT } from './sign.js';

/** What a test may change in a kind's default input. */
export interface InputChange {
  threshold?: number;
  /** The members, with indexes 1..n (or `indexes`). */
  names?: readonly string[];
  indexes?: readonly number[];
  timeouts?: Timeouts;
  at?: number;
}

export interface KindFixture {
  kind: SessionKind;
  sessionId: string;
  /** The notification type of an invitation. */
  invite: string;
  /** Working phases in order; the first is `inviting`, the others are protocol rounds. */
  phases: readonly string[];
  /** When `sessionIn` sends the events of each working phase. */
  at: Readonly<Record<string, number>>;
  input(change?: InputChange): unknown;
  assertInput(input: unknown): void;
  open(input?: unknown): Session;
  /** A new actor on the default input, started from a persisted snapshot. */
  restore(stored: unknown): Session;
  /** A default session in `phase`, optionally restored from JSON before every event. */
  sessionIn(phase: string, restartBeforeEachEvent?: boolean): Session;
  /** The event by which `name` does its part of `phase`. */
  submission(phase: string, name: string, at: number): AnySessionEvent;
  reject(name: string, at: number, reason?: string): AnySessionEvent;
}

function membersOf(change: InputChange) {
  if (!change.names) return undefined;
  return members(change.names).map((p, i) => ({ ...p, index: change.indexes?.[i] ?? p.index }));
}

function common(change: InputChange) {
  const { threshold, timeouts, at } = change;
  return {
    ...(threshold === undefined ? {} : { threshold }),
    ...(timeouts === undefined ? {} : { timeouts }),
    ...(at === undefined ? {} : { at }),
  };
}

export const KEYGEN: KindFixture = {
  kind: 'keygen',
  sessionId: 'kg-1',
  invite: 'keygen_invite',
  phases: ['inviting', 'round1', 'round2', 'confirming'],
  at: {
    inviting: KEYGEN_AT.respond,
    round1: KEYGEN_AT.round1,
    round2: KEYGEN_AT.round2,
    confirming: KEYGEN_AT.confirm,
  },
  input: (change = {}) => {
    const participants = membersOf(change);
    return keygenInput({ ...common(change), ...(participants ? { participants } : {}) });
  },
  assertInput: (input) => assertKeygenInput(input as ReturnType<typeof keygenInput>),
  open: (input) => openKeygen(input as ReturnType<typeof keygenInput> | undefined),
  restore: (stored) => new Session(keygenMachine, keygenInput(), stored),
  sessionIn: (phase, restart) => keygenIn(phase as KeygenWorkingPhase, restart),
  submission: (phase, name, at) => keygenSubmission(phase as KeygenWorkingPhase, name, at),
  reject: kg.reject,
};

export const SIGN: KindFixture = {
  kind: 'sign',
  sessionId: 'sg-1',
  invite: 'sign_invite',
  phases: ['inviting', 'commitments', 'shares'],
  at: { inviting: SIGN_AT.respond, commitments: SIGN_AT.commit, shares: SIGN_AT.share },
  input: (change = {}) => {
    const chosen = change.names ? signers(change.names, change.indexes) : undefined;
    return signInput({ ...common(change), ...(chosen ? { signers: chosen } : {}) });
  },
  assertInput: (input) => assertSignInput(input as ReturnType<typeof signInput>),
  open: (input) => openSign(input as ReturnType<typeof signInput> | undefined),
  restore: (stored) => new Session(signMachine, signInput(), stored),
  sessionIn: (phase, restart) => signIn(phase as SignWorkingPhase, restart),
  submission: (phase, name, at) => signSubmission(phase as SignWorkingPhase, name, at),
  reject: sg.reject,
};

export const KINDS = [KEYGEN, SIGN];
