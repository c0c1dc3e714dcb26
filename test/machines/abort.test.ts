import { describe, expect, it } from 'vitest';
import { KINDS } from './support/kinds.js';
import { T0 } from './support/session.js';
import { signIn } from './support/sign.js';

describe.each(KINDS)('$kind abort', (k) => {
  it.each(k.phases)('aborts during %s, naming who aborted and why', (phase) => {
    const s = k.sessionIn(phase);
    const mark = s.emitted.length;
    s.send({ type: 'ABORT', by: 'coord', reason: 'wrong participants', at: T0 + 9_000 });
    expect(s.snapshot.value).toBe('aborted');
    expect(s.snapshot.status).toBe('done');
    expect(s.snapshot.context.error).toEqual({
      code: 'ABORTED',
      message: `aborted by coord during ${phase}: wrong participants`,
      phase,
      culprits: [],
      by: 'coord',
    });
    expect(s.snapshot.context).toMatchObject({
      waitingFor: [],
      deadline: null,
      endedAt: T0 + 9_000,
    });
    expect(s.types(mark)).toEqual(['session_aborted']);
  });
});

describe('abort without a reason', () => {
  it('names only who aborted and when', () => {
    const s = signIn('shares').send({ type: 'ABORT', by: 'admin', at: T0 + 9_000 });
    expect(s.snapshot.value).toBe('aborted');
    expect(s.snapshot.context.error).toMatchObject({
      code: 'ABORTED',
      by: 'admin',
      message: 'aborted by admin during shares',
    });
    expect(s.emitted.at(-1)?.type).toBe('session_aborted');
  });
});
