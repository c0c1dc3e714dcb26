import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMES, verifySignature } from '../../protocol/frost/index.js';
import { verifiedElsewhere } from '../support/verify-elsewhere.js';
import { startTestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  waitForState,
} from '../support/sessions.js';

afterEach(closeAll);

const cases = SCHEMES.flatMap((scheme) => [
  { scheme, t: 2, n: 3, names: ['alice', 'bob', 'carol'], signers: ['carol', 'alice'] },
  { scheme, t: 3, n: 5, names: ['p1', 'p2', 'p3', 'p4', 'p5'], signers: ['p2', 'p4', 'p5'] },
]);

describe.each(cases)(
  '$scheme $t-of-$n keygen and signing through the server',
  ({ scheme, t, names, signers }) => {
    it('creates a key and a signature that another implementation verifies', async () => {
      await using server = await startTestServer({ network: 'bcrt' });
      const coordinator = await clientFor(server, 'coord', 'coordinator');
      await participants(server, names);

      const keygen = await completedKeygen(coordinator, {
        threshold: t,
        participants: names,
        scheme,
        label: 'treasury',
      });
      const keyId = keygen.result!['keyId'] as string;
      expect(keygen.keyId).toBe(keyId);
      const key = await coordinator.key.get.query({ keyId });
      expect(key).toMatchObject({ scheme, threshold: t, keygenSessionId: keygen.id });
      expect(keygen.result).toMatchObject({ keyId, groupPublicKey: key.groupPublicKey });
      if (scheme === 'frost-secp256k1-tr') expect(key.address).toMatch(/^bcrt1p/);
      else if (scheme === 'frost-ed25519')
        expect(key.address).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
      else expect(key.address).toBeNull();

      const message = 'deadbeef'.repeat(8);
      const { session } = await coordinator.sign.create.mutate({
        keyId,
        message,
        participants: signers,
      });
      const signed = await waitForState(coordinator, session.id);
      expect(signed.state, JSON.stringify(signed.error)).toBe('completed');
      const signature = signed.result!['signature'] as string;
      expect(signed.result).toEqual({
        signature,
        keyId,
        groupPublicKey: key.groupPublicKey,
        message,
      });
      expect(verifySignature(scheme, key.groupPublicKey, message, signature)).toBe(true);
      expect(await verifiedElsewhere(scheme, key.groupPublicKey, message, signature)).toBe(true);
    });
  },
);

describe('escrow', () => {
  it('lets a participant that lost its key shares sign from the escrow in its invitation', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice] = await participants(server, ['alice', 'bob', 'carol'], {
      alice: { forgetKeys: true },
    });
    const keygen = await completedKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'bob', 'carol'],
    });
    const keyId = keygen.result!['keyId'] as string;
    expect(alice!.keys.size).toBe(0);
    const { session } = await coordinator.sign.create.mutate({
      keyId,
      message: '0123',
      participants: ['alice', 'bob'],
    });
    const signed = await waitForState(coordinator, session.id);
    expect(signed.state, JSON.stringify(signed.error)).toBe('completed');
    const invite = alice!.received.find((e) => e.type === 'sign_invite')!;
    expect(invite.payload).toMatchObject({ keyId, keygenSessionId: keygen.id });
    expect(
      await verifiedElsewhere(
        'frost-secp256k1',
        signed.result!['groupPublicKey'] as string,
        '0123',
        signed.result!['signature'] as string,
      ),
    ).toBe(true);
  });
});
