import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askOnTerminal } from '../../cli/approval-prompt.js';
import type { Invitation } from '../../client/participant/index.js';

const invitation = (sessionId: string): Invitation => ({
  kind: 'keygen',
  sessionId,
  coordinator: 'carol',
  scheme: 'frost-secp256k1',
  label: 'cold storage',
  t: 2,
  n: 3,
  partIndex: 1,
  participants: ['alice', 'bob', 'dave'].map((name, i) => ({
    name,
    index: i + 1,
    identityKey: '02' + '11'.repeat(32),
  })),
  deadline: 0,
});

describe('approval on a terminal', () => {
  it('asks one question at a time and accepts only on y', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const approve = askOnTerminal(input, output);
    const first = approve(invitation('kg_1'));
    const second = approve(invitation('kg_2'));
    await expect
      .poll(() => shown)
      .toContain(
        'keygen kg_1 from carol: 2-of-3 frost-secp256k1 key "cold storage" with alice, bob, dave',
      );
    expect(shown).not.toContain('kg_2');
    input.write('y\n');
    expect(await first).toBe(true);
    await expect.poll(() => shown).toContain('kg_2');
    input.write('no\n');
    expect(await second).toEqual({ accept: false, reason: 'declined by the operator' });
  });
});
