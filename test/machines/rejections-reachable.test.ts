import { describe, expect, it } from 'vitest';
import { explainRejection, REJECTION_CODES } from '../../machines/index.js';
import { WALKS } from './support/graph.js';

describe('explainRejection over every reachable state', () => {
  it.each(WALKS)('$kind: takes an event exactly when nothing is wrong with it', (walk) => {
    const seen = { accepted: 0, refused: 0 };
    for (const { state, event, changed } of walk.edges()) {
      const rejection = explainRejection(state, event);
      expect({ event, changed }).toEqual({ event, changed: rejection === null });
      expect(walk.explainOwn(state, event)).toEqual(rejection);
      seen[changed ? 'accepted' : 'refused']++;
    }
    expect(seen.accepted).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(50);
  });

  it('meets every rejection code on some reachable state', () => {
    const met = new Set<string>();
    for (const walk of WALKS) {
      for (const { state, event } of walk.edges()) {
        const code = explainRejection(state, event)?.code;
        if (code) met.add(code);
      }
    }
    // The walks stop at final states and send only the machines' own event types: these two
    // codes are met in rejections.test.ts instead.
    const elsewhere = ['SESSION_FINISHED', 'UNKNOWN_EVENT'];
    expect([...met].sort()).toEqual(REJECTION_CODES.filter((c) => !elsewhere.includes(c)).sort());
  });
});
