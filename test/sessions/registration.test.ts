import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { signMessage } from '../../protocol/ecdsa/sign.js';
import { bytesToHex } from '../../protocol/encoding.js';
import { identityProofMessage } from '../../protocol/sessions.js';
import { startTestServer } from '../support/server.js';
import { clientFor, closeAll, failure } from '../support/sessions.js';

afterEach(closeAll);

function identity() {
  const secretKey = secp256k1.utils.randomSecretKey();
  return { secretKey, publicKey: bytesToHex(secp256k1.getPublicKey(secretKey, true)) };
}

type Client = Awaited<ReturnType<typeof clientFor>>;

async function proof(
  client: Client,
  name: string,
  key: ReturnType<typeof identity>,
  previous?: ReturnType<typeof identity>,
) {
  const { challenge } = await client.participant.challenge.mutate();
  const message = identityProofMessage(name, key.publicKey, challenge);
  return {
    identityKey: key.publicKey,
    challenge,
    signature: bytesToHex(signMessage(key.secretKey, message)),
    ...(previous
      ? { previousKeySignature: bytesToHex(signMessage(previous.secretKey, message)) }
      : {}),
  };
}

describe('participant identity keys', () => {
  it('registers with proof of possession; challenges are single use', async () => {
    await using server = await startTestServer();
    const alice = await clientFor(server, 'alice', 'participant');
    const key = identity();
    const input = await proof(alice, 'alice', key);
    expect(await alice.participant.register.mutate(input)).toEqual({
      name: 'alice',
      identityKey: key.publicKey,
      replaced: false,
    });
    const replay = await failure(alice.participant.register.mutate(input));
    expect(replay).toMatchObject({ appCode: 'INVALID_PROOF' });
    expect(replay.message).toContain('unknown, used or expired challenge');
    // Someone else's challenge does not work either.
    const bob = await clientFor(server, 'bob', 'participant');
    const forBob = await proof(bob, 'alice', key);
    expect((await failure(alice.participant.register.mutate(forBob))).appCode).toBe(
      'INVALID_PROOF',
    );
    // A signature by another key proves nothing.
    const wrong = await proof(alice, 'alice', key);
    const stranger = identity();
    wrong.signature = bytesToHex(
      signMessage(
        stranger.secretKey,
        identityProofMessage('alice', key.publicKey, wrong.challenge),
      ),
    );
    expect((await failure(alice.participant.register.mutate(wrong))).appCode).toBe('INVALID_PROOF');
    // A point that is not on the curve.
    const bad = await proof(alice, 'alice', key);
    expect(
      (
        await failure(
          alice.participant.register.mutate({ ...bad, identityKey: '02' + 'ff'.repeat(32) }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
  });

  it('replaces a key only with the old key’s signature or by an admin', async () => {
    await using server = await startTestServer();
    const alice = await clientFor(server, 'alice', 'participant');
    const admin = await clientFor(server, 'root', 'admin');
    const first = identity();
    const second = identity();
    await alice.participant.register.mutate(await proof(alice, 'alice', first));
    const refused = await failure(
      alice.participant.register.mutate(await proof(alice, 'alice', second)),
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.message).toContain('previousKeySignature');
    const forged = await proof(alice, 'alice', second, identity());
    expect((await failure(alice.participant.register.mutate(forged))).appCode).toBe(
      'INVALID_PROOF',
    );
    const rotated = await alice.participant.register.mutate(
      await proof(alice, 'alice', second, first),
    );
    expect(rotated).toEqual({ name: 'alice', identityKey: second.publicKey, replaced: true });

    const third = identity();
    const byAdmin = await admin.participant.register.mutate({
      ...(await proof(admin, 'alice', third)),
      name: 'alice',
    });
    expect(byAdmin).toEqual({ name: 'alice', identityKey: third.publicKey, replaced: true });
    const listed = await admin.participant.list.query();
    expect(listed.map((p) => [p.name, p.identityKey])).toEqual([['alice', third.publicKey]]);
  });

  it('lets only admins register another name, and coordinators only list', async () => {
    await using server = await startTestServer();
    const alice = await clientFor(server, 'alice', 'participant');
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const key = identity();
    const other = await failure(
      alice.participant.register.mutate({ ...(await proof(alice, 'bob', key)), name: 'bob' }),
    );
    expect(other).toMatchObject({ code: 'FORBIDDEN' });
    expect((await failure(coordinator.participant.challenge.mutate())).code).toBe('FORBIDDEN');
    expect((await failure(alice.participant.list.query())).code).toBe('FORBIDDEN');
    expect(await coordinator.participant.list.query()).toEqual([]);
  });
});
