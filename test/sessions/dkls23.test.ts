/**
 * DKLs23 keygen and signing through the real server, driven by scripted participants built on
 * protocol/dkls23 (not the agent): the server's relays, envelope checks, proofs, openings and
 * combine; every signature checked by noble, OpenSSL and ethers; cheaters caught and named.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { computeAddress, hashMessage, recoverAddress } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { hexToBytes } from '../../protocol/encoding.js';
import { DklsScriptedParticipant, type DklsBehaviour } from '../support/dkls23-scripted.js';
import { opensslVerifyEcdsa } from '../support/independent-verifiers.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  failure,
  participants,
  pinned as pinnedIn,
  waitForState,
} from '../support/sessions.js';

const opened: DklsScriptedParticipant[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.stop()));
  await closeAll();
});

const SCHEME = 'dkls23-secp256k1' as const;

async function dklsParticipants(
  server: TestServer,
  names: readonly string[],
  behaviours: Record<string, DklsBehaviour> = {},
): Promise<DklsScriptedParticipant[]> {
  return Promise.all(
    names.map(async (name) => {
      const token = await server.token(name, 'participant');
      const p = new DklsScriptedParticipant(name, {
        url: server.url,
        token,
        behaviour: behaviours[name] ?? {},
      });
      opened.push(p);
      await p.register();
      p.start();
      return p;
    }),
  );
}

async function keygen(server: TestServer, t: number, names: string[]) {
  const coordinator = await clientFor(server, 'coord', 'coordinator');
  const { session } = await coordinator.keygen.create.mutate({
    scheme: SCHEME,
    threshold: t,
    participants: names,
  });
  const done = await waitForState(coordinator, session.id, undefined, 60_000);
  return { coordinator, done };
}

/** The signature verifies under noble (prehash off), OpenSSL, and recovers in ethers. */
async function expectVerified(
  result: Record<string, unknown>,
  groupKey: string,
  digest: string,
  ethereumAddress: string,
) {
  const compact = hexToBytes(result['signature'] as string);
  const digestBytes = hexToBytes(digest);
  expect(secp256k1.verify(compact, digestBytes, hexToBytes(groupKey), { prehash: false })).toBe(
    true,
  );
  expect(
    await opensslVerifyEcdsa(
      hexToBytes(groupKey),
      digestBytes,
      hexToBytes(result['der'] as string),
    ),
  ).toBe(true);
  expect(recoverAddress('0x' + digest, '0x' + (result['ethereum'] as string))).toBe(
    ethereumAddress,
  );
}

describe('dkls23-secp256k1 through the server (scripted participants)', () => {
  it('2-of-3: keygen gives both addresses; a digest and an EIP-191 message are signed', async () => {
    await using server = await startTestServer({ network: 'bcrt' });
    const names = ['alice', 'bob', 'carol'];
    await dklsParticipants(server, names);
    const { coordinator, done } = await keygen(server, 2, names);
    expect(done.state, JSON.stringify(done.error)).toBe('completed');
    expect(done.kind).toBe('dkls23-keygen');
    const keyId = done.result!['keyId'] as string;
    const groupKey = done.result!['groupPublicKey'] as string;
    const ethereumAddress = done.result!['ethereumAddress'] as string;
    expect(computeAddress('0x' + groupKey)).toBe(ethereumAddress);
    expect(done.result!['address']).toMatch(/^bcrt1q/);

    const digest = Buffer.from(keccak_256(new TextEncoder().encode('pay 1 ETH'))).toString('hex');
    const { session } = await coordinator.sign.create.mutate({
      keyId,
      digest,
      participants: ['carol', 'alice'],
    });
    const signed = await waitForState(coordinator, session.id, undefined, 60_000);
    expect(signed.state, JSON.stringify(signed.error)).toBe('completed');
    expect(signed.kind).toBe('dkls23-sign');
    expect(signed.result).toMatchObject({ digest, keyId, groupPublicKey: groupKey });
    await expectVerified(signed.result!, groupKey, digest, ethereumAddress);

    const message = Buffer.from('hello from sigsocket').toString('hex');
    const personal = await coordinator.sign.create.mutate({
      keyId,
      message,
      hash: 'eip191',
      participants: ['bob', 'carol'],
    });
    const signed2 = await waitForState(coordinator, personal.session.id, undefined, 60_000);
    expect(signed2.state, JSON.stringify(signed2.error)).toBe('completed');
    const eip191 = hashMessage(Buffer.from(message, 'hex')).slice(2);
    expect(signed2.result!['digest']).toBe(eip191);
    await expectVerified(signed2.result!, groupKey, eip191, ethereumAddress);
  }, 120_000);

  it('refuses ECDSA-only options for a FROST key, and a message without a hash for an ECDSA key', async () => {
    await using server = await startTestServer();
    const names = ['alice', 'bob'];
    await dklsParticipants(server, names);
    const { coordinator, done } = await keygen(server, 2, names);
    const keyId = done.result!['keyId'] as string;
    await participants(server, ['dave', 'erin']);
    const frost = await completedKeygen(coordinator, {
      threshold: 2,
      participants: ['dave', 'erin'],
    });
    const frostKey = frost.result!['keyId'] as string;
    for (const options of [
      { digest: '11'.repeat(32) },
      { message: 'ab', hash: 'keccak256' as const },
    ]) {
      const refused = await failure(
        coordinator.sign.create.mutate({
          keyId: frostKey,
          participants: ['dave', 'erin'],
          ...options,
        }),
      );
      expect(refused.code).toBe('BAD_REQUEST');
      expect(refused.message).toMatch(/FROST/);
    }
    const noHash = await failure(
      coordinator.sign.create.mutate({ keyId, message: 'abcd', participants: names }),
    );
    expect(noHash.code).toBe('BAD_REQUEST');
    expect(noHash.message).toMatch(/digest/);
    const tooMany = await failure(
      coordinator.sign.create.mutate({ keyId, digest: '11'.repeat(32), participants: ['alice'] }),
    );
    expect(tooMany.code).toBe('BAD_REQUEST');
    const both = await failure(
      coordinator.sign.create.mutate({
        keyId,
        digest: '11'.repeat(32),
        message: 'ab',
        participants: names,
      }),
    );
    expect(both.code).toBe('BAD_REQUEST');
  }, 60_000);
});

describe('dkls23-secp256k1: cheaters through the server', () => {
  const names = ['alice', 'bob', 'carol'];

  it('a sealed message of the wrong size or a malformed broadcast is refused, and changes nothing', async () => {
    await using server = await startTestServer();
    await dklsParticipants(server, names, { alice: { stalls: true } });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const { session } = await coordinator.keygen.create.mutate({
      scheme: SCHEME,
      threshold: 2,
      participants: names,
    });
    await waitForState(coordinator, session.id, ['round1']);
    const alice = await clientFor(server, 'alice', 'participant');
    const submit = (submission: Record<string, unknown>) =>
      failure(
        alice.participant.submit.mutate({
          sessionId: session.id,
          submission: { kind: 'dkls23_keygen_round1', ...submission } as never,
        }),
      );
    const sealed = 'ab'.repeat(24 + 8_448 + 16);
    const short = await submit({ broadcast: {}, direct: { bob: 'ab'.repeat(100), carol: sealed } });
    expect(short).toMatchObject({ appCode: 'INVALID_PACKAGE' });
    expect(short.message).toContain('ciphertext(8448)');
    const noBroadcast = await submit({
      broadcast: { proof: '00' },
      direct: { bob: sealed, carol: sealed },
    });
    expect(noBroadcast).toMatchObject({ appCode: 'INVALID_PACKAGE' });
    const view = await coordinator.session.get.query({ sessionId: session.id });
    expect(view.state).toBe('round1');
    expect(view.participants.find((p) => p.name === 'alice')?.status).toBe('accepted');
  }, 60_000);

  it('a proof of knowledge that does not verify fails the keygen naming its sender', async () => {
    await using server = await startTestServer();
    await dklsParticipants(server, names, { bob: { badProof: true } });
    const { done } = await keygen(server, 2, names);
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({ code: 'INVALID_PROOF', culprits: ['bob'] });
  }, 60_000);

  it('a broadcast replayed from another keygen is refused at its proof', async () => {
    await using server = await startTestServer();
    const ps = await dklsParticipants(server, names);
    const first = await keygen(server, 2, names);
    expect(first.done.state).toBe('completed');
    ps[1]!.misbehave({ replayBroadcast: ps[1]!.broadcastOf(first.done.id) });
    const { done } = await keygen(server, 2, names);
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({ code: 'INVALID_PROOF', culprits: ['bob'] });
  }, 90_000);

  it('a share off its commitments: the recipient complains, both are named', async () => {
    await using server = await startTestServer();
    await dklsParticipants(server, names, { carol: { badShareFor: 'alice' } });
    const { done } = await keygen(server, 2, names);
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({ code: 'COMPLAINT', accuser: 'alice', accused: 'carol' });
    expect(done.error!.message).toMatch(/PROOF_INVALID/);
  }, 60_000);

  async function signWith(behaviours: Record<string, DklsBehaviour>, signers: string[]) {
    await using server = await startTestServer();
    const ps = await dklsParticipants(server, names);
    const { coordinator, done } = await keygen(server, signers.length, names);
    expect(done.state).toBe('completed');
    for (const p of ps) p.misbehave(behaviours[p.name] ?? {});
    const keyId = done.result!['keyId'] as string;
    const { session } = await coordinator.sign.create.mutate({
      keyId,
      digest: '42'.repeat(32),
      participants: signers,
    });
    const view = await waitForState(coordinator, session.id, undefined, 60_000);
    return { view, ps };
  }

  it('a tampered OT-extension message is caught by its recipient, naming the pair', async () => {
    const { view } = await signWith({ bob: { badExtensionFor: 'alice' } }, ['alice', 'bob']);
    expect(view.state).toBe('failed');
    expect(view.error).toMatchObject({ code: 'COMPLAINT', accuser: 'alice', accused: 'bob' });
    expect(view.error!.message).toMatch(/OT_EXTENSION_CHECK_FAILED/);
    expect(view.result).toBeNull();
  }, 90_000);

  it('a tampered multiplication answer is caught by its recipient, naming the pair', async () => {
    const { view } = await signWith({ alice: { badMultiplicationFor: 'carol' } }, [
      'alice',
      'carol',
    ]);
    expect(view.state).toBe('failed');
    expect(view.error).toMatchObject({ code: 'COMPLAINT', accuser: 'carol', accused: 'alice' });
    expect(view.error!.message).toMatch(/MULTIPLICATION_CHECK_FAILED/);
  }, 90_000);

  it('a message sealed for another pair does not open: the recipient complains, naming the pair', async () => {
    const { view } = await signWith({ alice: { misdirect: true } }, names);
    expect(view.state).toBe('failed');
    expect(view.error).toMatchObject({ code: 'COMPLAINT', accused: 'alice' });
    expect(view.error!.message).toMatch(/does not open/);
  }, 90_000);

  it('a nonce opened to another value is caught by the server, naming its sender', async () => {
    const { view } = await signWith({ bob: { badOpening: true } }, ['bob', 'carol']);
    expect(view.state).toBe('failed');
    expect(view.error).toMatchObject({ code: 'COMMITMENT_MISMATCH', culprits: ['bob'] });
  }, 90_000);

  it('a u that is no scalar is refused at once, and the session waits for a valid one', async () => {
    await using server = await startTestServer();
    const ps = await dklsParticipants(server, names);
    const { coordinator, done } = await keygen(server, 2, names);
    ps[2]!.misbehave({ outOfRangeU: true });
    const { session } = await coordinator.sign.create.mutate({
      keyId: done.result!['keyId'] as string,
      digest: '46'.repeat(32),
      participants: ['alice', 'carol'],
    });
    await pinnedIn(coordinator, session.id, 'round3', ['carol']);
    await expect
      .poll(() => ps[2]!.refusals.map((r) => [r.what, r.code]))
      .toEqual([['dkls23_sign_round3', 'INVALID_PACKAGE']]);
    expect(ps[2]!.refusals[0]!.message).toMatch(/u ≥ n/);
  }, 90_000);

  it('a wrong u gives no signature; nobody can be named', async () => {
    const { view } = await signWith({ carol: { badU: true } }, ['alice', 'carol']);
    expect(view.state).toBe('failed');
    expect(view.error).toMatchObject({ code: 'SIGNATURE_INVALID', culprits: [] });
    expect(view.result).toBeNull();
  }, 90_000);

  it('bars the members a failure named from the key until a coordinator clears them', async () => {
    await using server = await startTestServer();
    const ps = await dklsParticipants(server, names);
    const { coordinator, done } = await keygen(server, 2, names);
    const keyId = done.result!['keyId'] as string;
    const sign = async (participants: string[]) => {
      const { session } = await coordinator.sign.create.mutate({
        keyId,
        digest: '42'.repeat(32),
        participants,
      });
      return waitForState(coordinator, session.id, undefined, 60_000);
    };
    ps[0]!.misbehave({ badExtensionFor: 'bob' });
    const failed = await sign(['alice', 'bob']);
    expect(failed.error).toMatchObject({ code: 'COMPLAINT', accuser: 'bob', accused: 'alice' });
    ps[0]!.misbehave({});

    for (const pair of [
      ['alice', 'carol'],
      ['carol', 'bob'],
    ]) {
      const refused = await failure(
        coordinator.sign.create.mutate({ keyId, digest: '42'.repeat(32), participants: pair }),
      );
      expect(refused).toMatchObject({ code: 'FORBIDDEN', appCode: 'PARTICIPANT_BANNED' });
      expect(refused.message).toContain(failed.id);
    }
    const barred = (await coordinator.key.get.query({ keyId })).bans;
    expect(barred.map((b) => [b.participant, b.sessionId, b.code])).toEqual([
      ['alice', failed.id, 'COMPLAINT'],
      ['bob', failed.id, 'COMPLAINT'],
    ]);
    const participant = await clientFor(server, 'bob', 'participant');
    expect(
      (await failure(participant.key.clearBan.mutate({ keyId, participant: 'bob' }))).code,
    ).toBe('FORBIDDEN');
    const notBarred = await failure(
      coordinator.key.clearBan.mutate({ keyId, participant: 'carol' }),
    );
    expect(notBarred.code).toBe('NOT_FOUND');

    expect(await coordinator.key.clearBan.mutate({ keyId, participant: 'bob' })).toEqual({
      cleared: true,
    });
    expect((await coordinator.key.get.query({ keyId })).bans.map((b) => b.participant)).toEqual([
      'alice',
    ]);
    const signed = await sign(['carol', 'bob']);
    expect(signed.state, JSON.stringify(signed.error)).toBe('completed');
    expect(
      (
        await failure(
          coordinator.sign.create.mutate({
            keyId,
            digest: '42'.repeat(32),
            participants: ['alice', 'carol'],
          }),
        )
      ).appCode,
    ).toBe('PARTICIPANT_BANNED');
  }, 120_000);

  it('a bar stops the sessions of the key already running with the barred member', async () => {
    await using server = await startTestServer();
    const ps = await dklsParticipants(server, names);
    const { coordinator, done } = await keygen(server, 2, names);
    const keyId = done.result!['keyId'] as string;
    ps[2]!.misbehave({ stalls: true });
    const running = await coordinator.sign.create.mutate({
      keyId,
      digest: '44'.repeat(32),
      participants: ['bob', 'carol'],
    });
    await pinnedIn(coordinator, running.session.id, 'round1', ['carol']);
    ps[0]!.misbehave({ badExtensionFor: 'bob' });
    const { session } = await coordinator.sign.create.mutate({
      keyId,
      digest: '45'.repeat(32),
      participants: ['alice', 'bob'],
    });
    const failed = await waitForState(coordinator, session.id, undefined, 60_000);
    expect(failed.error).toMatchObject({ code: 'COMPLAINT', accuser: 'bob', accused: 'alice' });
    // Bob is barred now: the running signing fails at its next submission, whatever it is.
    const carol = await clientFor(server, 'carol', 'participant');
    await carol.participant.submit.mutate({
      sessionId: running.session.id,
      submission: { kind: 'dkls23_secrets_lost', attempt: 1 },
    });
    const stopped = await waitForState(coordinator, running.session.id);
    expect(stopped.state).toBe('failed');
    expect(stopped.error).toMatchObject({ code: 'PARTICIPANT_BANNED', culprits: ['bob'] });
    expect(stopped.error!.message).toContain(session.id);
  }, 120_000);

  it('a lost secret is no cheat: it bars nobody', async () => {
    await using server = await startTestServer();
    const ps = await dklsParticipants(server, names);
    const { coordinator, done } = await keygen(server, 2, names);
    const keyId = done.result!['keyId'] as string;
    ps[0]!.misbehave({ stalls: true }); // alice's losses, below, are the only thing that happens
    const { session } = await coordinator.sign.create.mutate({
      keyId,
      digest: '42'.repeat(32),
      participants: ['alice', 'bob'],
      timeouts: { roundMs: 60_000 },
    });
    await waitForState(
      coordinator,
      session.id,
      ['round1', 'round2', 'round3', 'completed'],
      30_000,
    );
    // Report more losses than the restarts allow: the session fails SECRETS_LOST, naming alice.
    const alice = await clientFor(server, 'alice', 'participant');
    for (let attempt = 1; attempt <= 4; attempt++) {
      await alice.participant.submit.mutate({
        sessionId: session.id,
        submission: { kind: 'dkls23_secrets_lost', attempt },
      });
    }
    const view = await waitForState(coordinator, session.id);
    expect(view.state).toBe('failed');
    expect(view.error).toMatchObject({ code: 'SECRETS_LOST', culprits: ['alice'] });
    ps[0]!.misbehave({});
    const next = await coordinator.sign.create.mutate({
      keyId,
      digest: '43'.repeat(32),
      participants: ['alice', 'bob'],
    });
    const signed = await waitForState(coordinator, next.session.id, undefined, 60_000);
    expect(signed.state, JSON.stringify(signed.error)).toBe('completed');
  }, 120_000);
});
