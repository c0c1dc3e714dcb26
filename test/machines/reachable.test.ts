import { describe, expect, it } from 'vitest';
import {
  KEYGEN_DONE_STATUS,
  KEYGEN_PHASES,
  SIGN_PHASES,
  TERMINAL_STATES,
  isTerminalState,
  type AnySessionContext,
  type KeygenContext,
  type SignContext,
} from '../../machines/index.js';
import { KEYGEN_WALK, SIGN_WALK, SIGN_WALK_INPUT, WALKS, type Walk } from './support/graph.js';
import { NAMES, TIMEOUTS } from './support/session.js';
import { SIGNATURE } from './support/sign.js';

describe('state names', () => {
  it('names phases and terminal states as the sessions table stores them', () => {
    expect(KEYGEN_PHASES).toEqual([
      'inviting',
      'round1',
      'round2',
      'confirming',
      'completed',
      'rejected',
      'failed',
      'timed_out',
      'aborted',
    ]);
    expect(SIGN_PHASES).toEqual(['inviting', 'commitments', 'shares', ...TERMINAL_STATES]);
    expect(TERMINAL_STATES.every(isTerminalState)).toBe(true);
    expect(isTerminalState('round1')).toBe(false);
  });
});

/** What holds in every state of either kind. */
function checkCommon(walk: Walk, value: string, c: AnySessionContext) {
  expect(walk.phases).toContain(value);
  const done = walk.doneStatus[value];
  if (done !== undefined) {
    expect(c.phase).toBe(value);
    const owed = c.participants.filter((p) => c.status[p.name] !== done);
    expect(c.waitingFor).toEqual(owed.map((p) => p.name));
    const duration = value === 'inviting' ? TIMEOUTS.inviteMs : TIMEOUTS.roundMs;
    expect(c.deadline).toBe(c.phaseStartedAt + duration);
    expect(c.error).toBeNull();
    expect(c.endedAt).toBeNull();
    return;
  }
  expect(c.deadline).toBeNull();
  expect(c.endedAt).not.toBeNull();
  if (value === 'completed') {
    expect(c.waitingFor).toEqual([]);
    expect(c.error).toBeNull();
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

function checkKeygen(value: string, c: KeygenContext) {
  if (value in KEYGEN_DONE_STATUS) {
    expect(c.waitingFor.length).toBeGreaterThan(0);
  }
  if (value === 'completed') {
    expect(Object.values(c.status).every((st) => st === 'confirmed')).toBe(true);
    expect(Object.keys(c.result?.verifyingShares ?? {})).toEqual(NAMES);
  }
}

function checkSign(value: string, c: SignContext) {
  expect(c.commitRound).toBeGreaterThanOrEqual(1);
  expect(c.commitRound).toBeLessThanOrEqual((SIGN_WALK_INPUT.maxCommitRestarts ?? 0) + 1);
  const current = Object.values(c.commitments).flatMap((x) => [
    x.hiding.toLowerCase(),
    x.binding.toLowerCase(),
  ]);
  expect(current.filter((h) => c.spentCommitments.includes(h))).toEqual([]);
  if (value === 'shares') expect(Object.keys(c.commitments)).toHaveLength(NAMES.length);
  if (value === 'completed') {
    expect(c.result).toEqual({ signature: SIGNATURE });
    expect(Object.keys(c.shares)).toHaveLength(NAMES.length);
  }
}

describe.each(WALKS)('$kind reachable states', (walk) => {
  it('reach every phase and every terminal state', () => {
    const reached = new Set(walk.paths().map((p) => p.value));
    expect([...reached].sort()).toEqual([...walk.phases].sort());
  });

  it('are all consistent', () => {
    for (const { value, context } of walk.paths()) {
      checkCommon(walk, value, context);
      if (context.kind === 'keygen') checkKeygen(value, context);
      else checkSign(value, context);
    }
  });
});

describe('reachable failures', () => {
  const failures = (walk: Walk) =>
    [
      ...new Set(
        walk
          .paths()
          .filter((p) => p.value === 'failed')
          .map((p) => p.context.error?.code),
      ),
    ].sort();

  it('keygen fails by complaint, group key mismatch or protocol violation', () => {
    expect(failures(KEYGEN_WALK)).toEqual([
      'COMPLAINT',
      'GROUP_KEY_MISMATCH',
      'PROTOCOL_VIOLATION',
    ]);
  });

  it('sign fails by lost nonces past the limit or protocol violation, and completes after a restart', () => {
    expect(failures(SIGN_WALK)).toEqual(['NONCES_LOST', 'PROTOCOL_VIOLATION']);
    const restarted = SIGN_WALK.paths().some(
      (p) => p.value === 'completed' && p.context.kind === 'sign' && p.context.commitRound === 2,
    );
    expect(restarted).toBe(true);
  });
});
