/**
 * The machine holds a description to what it declares: a round relays only where its
 * `delivery` says, and an event restarts only one of the protocol's rounds. A description that
 * breaks either is a bug in it, and the session stops with an error instead of going on wrong.
 */
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { sessionMachine } from '../../machines/index.js';
import type {
  AnyContext,
  AnyNotification,
  AnySessionProtocol,
  Delivery,
  RoundSpec,
} from '../../protocol/session/description.js';
import { broadcast } from '../../protocol/session/notifications.js';
import { auction, sealOf } from '../sessions/support/toy-auction.js';
import { members, T0, TIMEOUTS } from './support/session.js';

const BIDDERS = members(['ann', 'ben']);

/** The toy auction with its first round declared differently. */
function withSealing(delivery: Delivery): AnySessionProtocol {
  const [sealing, ...rest] = auction.session.rounds;
  return { ...auction.session, rounds: [{ ...sealing!, delivery }, ...rest] };
}

/** The toy auction with its notes round declared `delivery`, its relay plus `extra`. */
function withNotes(delivery: Delivery, extra: AnyNotification[] = []): AnySessionProtocol {
  const [sealing, notes, ...rest] = auction.session.rounds as [
    RoundSpec<AnyContext>,
    RoundSpec<AnyContext>,
    ...RoundSpec<AnyContext>[],
  ];
  const settle: RoundSpec<AnyContext>['settle'] = (context) => {
    const settled = notes.settle(context);
    return typeof settled === 'object' && 'next' in settled
      ? { next: [...extra, ...settled.next] }
      : settled;
  };
  return { ...auction.session, rounds: [sealing, { ...notes, delivery, settle }, ...rest] };
}

/** Runs the invitation and the sealing round (and the notes round if `notes`); returns the
 * state reached, or the error the actor stopped with. */
function sealAll(protocol: AnySessionProtocol, notes = false): unknown {
  const actor = createActor(sessionMachine(protocol), {
    input: {
      sessionId: 'au-1',
      coordinator: 'coord',
      scheme: 'sealed-bid-v1',
      threshold: 2,
      timeouts: TIMEOUTS,
      at: T0,
      item: 'a lamp',
      bidders: BIDDERS,
    } as never,
  });
  let error: unknown;
  actor.subscribe({ error: (err) => (error = err) });
  actor.start();
  // The erased machine takes any timed event; these are the auction's own.
  const events = [
    ...BIDDERS.map(({ name }) => ({
      type: 'RESPOND',
      participant: name,
      accept: true,
      at: T0 + 1,
    })),
    ...BIDDERS.map(({ name }) => ({
      type: 'SEAL',
      participant: name,
      seal: sealOf(1, name),
      at: T0 + 2,
    })),
    ...(notes
      ? BIDDERS.map(({ name }) => ({
          type: 'NOTE',
          participant: name,
          notes: Object.fromEntries(
            BIDDERS.filter((b) => b.name !== name).map((b) => [b.name, 'hi']),
          ),
          at: T0 + 3,
        }))
      : []),
  ];
  for (const event of events) actor.send(event);
  const snapshot = actor.getSnapshot();
  actor.stop();
  return snapshot.status === 'error' ? (error ?? snapshot.error) : snapshot.value;
}

describe('a description is held to what it declares', () => {
  it('relays a broadcast round to everyone and moves on', () => {
    expect(sealAll(auction.session)).toBe('notes');
  });

  it('lets a round that has both kinds relay a broadcast, point-to-point notes, or both', () => {
    expect(sealAll(withSealing('broadcast-and-point-to-point'))).toBe('notes');
    expect(sealAll(withNotes('broadcast-and-point-to-point'), true)).toBe('opening');
    const everyone = broadcast('public_part', { sessionId: 'au-1' });
    expect(sealAll(withNotes('broadcast-and-point-to-point', [everyone]), true)).toBe('opening');
    expect(sealAll(withNotes('point-to-point'), true)).toBe('opening');
    const error = sealAll(withNotes('point-to-point', [everyone]), true);
    expect((error as Error).message).toContain('a point-to-point round may not');
  });

  it.each(['server', 'point-to-point'] as const)(
    'stops with an error when a broadcast relay comes from a round declared %s',
    (delivery) => {
      const error = sealAll(withSealing(delivery));
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(`a ${delivery} round may not`);
    },
  );

  it('stops with an error when an event restarts a phase that is not one of the rounds', () => {
    const protocol: AnySessionProtocol = {
      ...auction.session,
      events: {
        ...auction.session.events,
        SEAL: { ...auction.session.events['SEAL']!, apply: () => ({ then: { restart: 'lobby' } }) },
      },
    };
    const error = sealAll(protocol);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('restarts lobby, not one of its rounds');
  });
});
