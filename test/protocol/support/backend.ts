// Runs the enclosing describe block on one secp256k1 backend and restores the previous one after.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Secp256k1BackendName } from '../../../protocol/group/secp256k1-group.js';
import { secp256k1Group, useSecp256k1Backend } from '../../../protocol/group/secp256k1.js';

export function onSecp256k1Backend(backend: Secp256k1BackendName): void {
  let previous: Secp256k1BackendName | undefined;
  beforeAll(() => {
    previous = useSecp256k1Backend(backend);
  });
  afterAll(() => {
    if (previous) useSecp256k1Backend(previous);
  });
  it('runs on the backend asked for', () => {
    expect(secp256k1Group.backend).toBe(backend);
  });
}
