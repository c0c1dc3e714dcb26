import { describe, expect, it } from 'vitest';
import { explainRejection } from '../../machines/index.js';
import { WALKS } from './support/graph.js';
import { keygenIn } from './support/keygen.js';
import { KINDS, SIGN } from './support/kinds.js';
import { NAMES } from './support/session.js';
import { nonceHex, sg, signIn, SIGN_AT } from './support/sign.js';

describe.each(KINDS)('$kind restored from a persisted snapshot', (k) => {
  it.each(k.phases)('continues identically during %s', (phase) => {
    const s = k.sessionIn(phase);
    const stored = s.stored();
    expect(stored).toMatchObject({ status: 'active', value: phase });
    const restored = k.restore(stored);
    expect(restored.snapshot.value).toBe(phase);
    expect(restored.snapshot.context).toEqual(s.snapshot.context);
    expect(restored.emitted).toEqual([]); // restoring re-runs no entry actions
    // A duplicate is still refused after restoring mid-phase.
    restored.send(k.submission(phase, 'alice', 5_000));
    restored.restart();
    const again = explainRejection(restored.snapshot, k.submission(phase, 'alice', 5_001));
    expect(again?.code).toMatch(/^ALREADY_/);
  });

  it('still times out after a restore (the deadline is in the snapshot)', () => {
    const s = k.sessionIn(k.phases.at(-1) ?? 'inviting').restart();
    const deadline = s.snapshot.context.deadline ?? 0;
    s.send({ type: 'TIMEOUT', at: deadline + 60_000 });
    expect(s.snapshot.value).toBe('timed_out');
  });
});

describe('restored before every event', () => {
  it('a keygen gives the same notifications and result', () => {
    const plain = keygenIn('completed', false);
    const restored = keygenIn('completed', true);
    expect(restored.emitted).toEqual(plain.emitted);
    expect(restored.snapshot.value).toBe('completed');
    expect(restored.snapshot.context).toEqual(plain.snapshot.context);
  });

  it('a signing waiting for AGGREGATED is restored as it was', () => {
    const s = signIn('ready');
    const restored = SIGN.restore(s.stored());
    expect(restored.snapshot.value).toBe('shares');
    expect(restored.snapshot.context).toEqual(s.snapshot.context);
    expect(restored.emitted).toEqual([]);
  });

  it('a signing gives the same notifications across a commitment-round restart', () => {
    const run = (restart: boolean) => {
      const s = signIn('shares', restart);
      const steps = [
        sg.share('alice', 1, SIGN_AT.share),
        sg.lost('bob', SIGN_AT.share + 1),
        ...NAMES.map((n) => sg.commit(n, 2, SIGN_AT.share + 2)),
        ...NAMES.map((n) => sg.share(n, 2, SIGN_AT.share + 3)),
        sg.aggregated(SIGN_AT.done),
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

  it.each(WALKS)('$kind: every reachable state, replayed on real actors', (walk) => {
    for (const path of walk.paths()) {
      const s = walk.open();
      for (const event of path.events) s.restart().send(event);
      expect(s.snapshot.value).toBe(path.value);
      expect(s.snapshot.context).toEqual(path.context);
      const terminal = s.emitted.filter((n) => n.type.startsWith('session_'));
      expect(terminal.length).toBe(s.snapshot.status === 'done' ? 1 : 0);
    }
  });
});
