/**
 * State worth protecting while the abuse tests fire junk: a keygen stopped in round 1 (alice
 * has submitted, bob is held), so a refused request that changed anything would show in its
 * view, and the session must still complete afterwards.
 */
import { expect } from 'vitest';
import type { SigSocketClient } from '../../../client/trpc.js';
import type { SessionView } from '../../../protocol/session-view.js';
import type { ScriptedParticipant } from '../../support/scripted-participant.js';
import {
  clientFor,
  participants,
  pinned,
  waitForState,
  type TokenSource,
} from '../../support/sessions.js';

export interface HeldKeygen {
  sessionId: string;
  coordinator: SigSocketClient;
  alice: ScriptedParticipant;
  /** Names, ids and keys a fuzzer may mix into its input to reach real state. */
  pool: string[];
  /** The session as it stood before the abuse. */
  view: SessionView;
  /** Fails unless the session is exactly as it was. */
  expectUnchanged(): Promise<void>;
  /** Releases bob; the keygen must complete. */
  expectCompletes(): Promise<void>;
}

export async function heldKeygen(server: TokenSource, prefix: string): Promise<HeldKeygen> {
  const [aliceName, bobName] = [`${prefix}-alice`, `${prefix}-bob`];
  const coordinator = await clientFor(server, `${prefix}-coord`, 'coordinator');
  const [alice, bob] = await participants(server, [aliceName, bobName]);
  bob!.hold('round1');
  const { session } = await coordinator.keygen.create.mutate({
    threshold: 2,
    participants: [aliceName, bobName],
  });
  const sessionId = session.id;
  await pinned(coordinator, sessionId, 'round1', [bobName]);
  const view = await coordinator.session.get.query({ sessionId });
  return {
    sessionId,
    coordinator,
    alice: alice!,
    pool: [sessionId, aliceName, bobName, `${prefix}-coord`, alice!.identityKey],
    view,
    async expectUnchanged() {
      expect(await coordinator.session.get.query({ sessionId })).toEqual(view);
    },
    async expectCompletes() {
      bob!.release('round1');
      const done = await waitForState(coordinator, sessionId);
      expect(done.state, JSON.stringify(done.error)).toBe('completed');
    },
  };
}
