import { schnorr, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { hexToBytes } from '../../protocol/encoding.js';
import { SCHEMES, verifySignature } from '../../protocol/frost/index.js';
import { startTestServer } from '../support/server.js';
import { clientFor, closeAll, completedKeygen, participants, waitForState } from '../support/sessions.js';

afterEach(closeAll);

describe.each(SCHEMES)('%s: 2-of-3 keygen and signing through the server', (scheme) => {
  it('creates a key and a signature that verifies with noble', async () => {
    await using server = await startTestServer({ network: 'bcrt' });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, ['alice', 'bob', 'carol']);

    const keygen = await completedKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'bob', 'carol'],
      scheme,
      label: 'treasury',
    });
    const keyId = keygen.result!['keyId'] as string;
    expect(keygen.keyId).toBe(keyId);
    const key = await coordinator.key.get.query({ keyId });
    expect(key).toMatchObject({ scheme, threshold: 2, keygenSessionId: keygen.id });
    expect(keygen.result).toMatchObject({ keyId, groupPublicKey: key.groupPublicKey });
    if (scheme === 'frost-secp256k1-tr') expect(key.address).toMatch(/^bcrt1p/);
    else expect(key.address).toBeNull();

    const message = 'deadbeef'.repeat(8);
    const { session } = await coordinator.sign.create.mutate({
      keyId,
      message,
      participants: ['carol', 'alice'],
    });
    const signed = await waitForState(coordinator, session.id);
    expect(signed.state, JSON.stringify(signed.error)).toBe('completed');
    const signature = signed.result!['signature'] as string;
    expect(signed.result).toEqual({ signature, keyId, groupPublicKey: key.groupPublicKey, message });
    expect(verifySignature(scheme, key.groupPublicKey, message, signature)).toBe(true);
    if (scheme === 'frost-secp256k1-tr') {
      const xOnly = hexToBytes(key.groupPublicKey).subarray(1);
      expect(schnorr.verify(hexToBytes(signature), hexToBytes(message), xOnly)).toBe(true);
    } else {
      const ok = secp256k1_FROST.verify(hexToBytes(signature), hexToBytes(message), hexToBytes(key.groupPublicKey));
      expect(ok).toBe(true);
    }
  });
});
