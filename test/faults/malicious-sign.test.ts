/**
 * A malicious participant in a threshold signing, through the real server: malformed nonce
 * commitments and signature shares, submissions for the wrong phase or round, commitments and
 * shares replayed from another session, several bad shares at once, and anything sent after
 * the end. Refused with a typed error and no change, or the session fails naming exactly the
 * culprits. (A single random bad share and a participant replaying its own commitments:
 * test/sessions/failures.test.ts and submissions.test.ts.)
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SigSocketClient } from '../../client/trpc.js';
import { bytesToHex } from '../../protocol/encoding.js';
import type { ScriptedParticipant } from '../support/scripted-participant.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  appCode,
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  pinned,
  waitForState,
} from '../support/sessions.js';
import {
  expectRefusedWithoutChange,
  receivedOf,
  refusalsChecked,
  storedContext,
  submitAs,
} from './support/abuse-sessions.js';
import { Figures } from './support/abuse-figures.js';

afterEach(closeAll);

const figures = new Figures('malicious-sign');
afterAll(() => {
  figures.add('refusals checked (typed error, nothing changed)', refusalsChecked());
  figures.print();
});

const NAMES = ['alice', 'bob', 'carol'];
const N = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
/**
 * A value of some suite's size passes the edge and is refused by the session's suite check
 * (INVALID_PACKAGE); any other is refused at the edge (BAD_REQUEST): docs/protocol.md §1.
 */
const refusalOf = (hex: string, sizes = [32, 33, 57]) =>
  /^[0-9a-f]*$/i.test(hex) && sizes.includes(hex.length / 2) ? 'INVALID_PACKAGE' : 'BAD_REQUEST';
const BAD_POINTS: Array<[string, string]> = [
  ['a 32-byte point', '02' + '11'.repeat(31)],
  ['an off-curve point', '02' + '00'.repeat(32)],
  ['the identity (SEC1 00)', '00'],
  ['x ≥ p', '03' + 'ff'.repeat(32)],
];
const BAD_SCALARS: Array<[string, string]> = [
  ['n', N],
  ['2^256 - 1', 'ff'.repeat(32)],
  ['31 bytes', '11'.repeat(31)],
  ['33 bytes', '11'.repeat(33)],
  ['not hex', 'zz'.repeat(32)],
];

interface World {
  server: TestServer;
  coordinator: SigSocketClient;
  members: ScriptedParticipant[];
  keyId: string;
}

async function world(): Promise<World> {
  const server = await startTestServer();
  const coordinator = await clientFor(server, 'coord', 'coordinator');
  const members = await participants(server, NAMES);
  const keygen = await completedKeygen(coordinator, { threshold: 2, participants: NAMES });
  return { server, coordinator, members, keyId: keygen.result!['keyId'] as string };
}

async function sign(w: World, signers: string[], message = 'beef') {
  const { session } = await w.coordinator.sign.create.mutate({
    keyId: w.keyId,
    message,
    participants: signers,
  });
  return session.id;
}

describe('malformed signing submissions', () => {
  it('refuses bad commitments, bad shares and wrong-phase or wrong-round submissions, changing nothing', async () => {
    const w = await world();
    await using _ = w.server;
    const [alice, bob] = w.members;
    bob!.hold('commit');
    alice!.hold('share');
    const sessionId = await sign(w, ['alice', 'bob']);
    await pinned(w.coordinator, sessionId, 'commitments', ['bob']);
    const good = storedContext(w.server, sessionId)['commitments']['alice'] as {
      hiding: string;
      binding: string;
    };
    const fresh = bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true));
    const commit =
      (c: object, commitRound: unknown = 1) =>
      () =>
        submitAs(bob!, sessionId, {
          kind: 'commitments',
          commitRound,
          hiding: fresh,
          binding: fresh,
          ...c,
        });
    await expectRefusedWithoutChange(w.server, w.coordinator, sessionId, [
      ...BAD_POINTS.flatMap(([what, bad]) => [
        { what: `hiding: ${what}`, call: commit({ hiding: bad }), appCode: refusalOf(bad) },
        { what: `binding: ${what}`, call: commit({ binding: bad }), appCode: refusalOf(bad) },
      ]),
      { what: 'commitRound -1', call: commit({}, -1), appCode: 'BAD_REQUEST' },
      { what: 'commitRound 1.5', call: commit({}, 1.5), appCode: 'BAD_REQUEST' },
      { what: 'commitRound of the future', call: commit({}, 2), appCode: 'STALE_ROUND' },
      { what: "alice's commitments, copied", call: commit(good), appCode: 'NONCE_REUSED' },
      {
        what: 'a share before the signing package',
        call: () =>
          submitAs(bob!, sessionId, { kind: 'share', commitRound: 1, share: '01'.repeat(32) }),
        appCode: 'WRONG_PHASE',
      },
      {
        what: 'nonces lost before committing',
        call: () => submitAs(bob!, sessionId, { kind: 'nonces_lost', commitRound: 1 }),
        appCode: 'NOT_COMMITTED',
      },
      {
        what: 'a keygen submission',
        call: () => submitAs(bob!, sessionId, { kind: 'complaint', accused: 'alice', reason: 'x' }),
        appCode: 'BAD_REQUEST',
      },
    ]);

    bob!.release('commit');
    await pinned(w.coordinator, sessionId, 'shares', ['alice']);
    const share =
      (value: unknown, commitRound: unknown = 1) =>
      () =>
        submitAs(alice!, sessionId, { kind: 'share', commitRound, share: value });
    await expectRefusedWithoutChange(w.server, w.coordinator, sessionId, [
      ...BAD_SCALARS.map(([what, bad]) => ({
        what: `share = ${what}`,
        call: share(bad),
        appCode: refusalOf(bad, [32, 57]),
      })),
      {
        what: 'a share for another round',
        call: share('01'.repeat(32), 2),
        appCode: 'STALE_ROUND',
      },
      {
        what: 'commitments in the shares phase',
        call: () =>
          submitAs(alice!, sessionId, {
            kind: 'commitments',
            commitRound: 1,
            hiding: fresh,
            binding: fresh,
          }),
        appCode: 'WRONG_PHASE',
      },
    ]);
    alice!.release('share');
    expect((await waitForState(w.coordinator, sessionId)).state).toBe('completed');
  });
});

describe('protocol attacks in a signing', () => {
  it('refuses commitments replayed from another session, whoever sends them (NONCE_REUSED)', async () => {
    const w = await world();
    await using _ = w.server;
    const [alice, bob] = w.members;
    const first = await sign(w, ['alice', 'bob']);
    expect((await waitForState(w.coordinator, first)).state).toBe('completed');
    const [pkg] = receivedOf(alice!, first, 'signing_package');
    const published = pkg!.payload['commitments'] as Array<{
      name: string;
      hiding: string;
      binding: string;
    }>;

    bob!.hold('commit');
    const second = await sign(w, ['alice', 'bob'], 'cafe');
    await pinned(w.coordinator, second, 'commitments', ['bob']);
    await expectRefusedWithoutChange(
      w.server,
      w.coordinator,
      second,
      published.map(({ name, hiding, binding }) => ({
        what: `${name}'s commitments from the first session`,
        call: () =>
          submitAs(bob!, second, { kind: 'commitments', commitRound: 1, hiding, binding }),
        appCode: 'NONCE_REUSED',
      })),
    );
    bob!.release('commit');
    expect((await waitForState(w.coordinator, second)).state).toBe('completed');
  });

  it('fails a signing naming the participant who replays its share from another session', async () => {
    const w = await world();
    await using _ = w.server;
    const [, bob] = w.members;
    const first = await sign(w, ['alice', 'bob']);
    expect((await waitForState(w.coordinator, first)).state).toBe('completed');
    const oldShare = storedContext(w.server, first)['shares']['bob'] as string;

    bob!.hold('share');
    const second = await sign(w, ['alice', 'bob']); // the same message: only the nonces differ
    await pinned(w.coordinator, second, 'shares', ['bob']);
    await submitAs(bob!, second, { kind: 'share', commitRound: 1, share: oldShare });
    const ended = await waitForState(w.coordinator, second);
    figures.add('sessions failed naming the culprit');
    expect(ended).toMatchObject({ state: 'failed', phase: 'shares', result: null });
    expect(ended.error).toMatchObject({ code: 'INVALID_SIGNATURE_SHARE', culprits: ['bob'] });
    bob!.release('share');
  });

  it('names every participant whose share is bad, and only them', async () => {
    const w = await world();
    await using _ = w.server;
    const [alice, , carol] = w.members;
    alice!.misbehave({ badSignatureShare: true });
    carol!.misbehave({ badSignatureShare: true });
    const sessionId = await sign(w, NAMES);
    const ended = await waitForState(w.coordinator, sessionId);
    figures.add('sessions failed naming the culprit');
    expect(ended).toMatchObject({ state: 'failed', phase: 'shares' });
    expect(ended.error).toMatchObject({ code: 'INVALID_SIGNATURE_SHARE' });
    expect([...(ended.error!['culprits'] as string[])].sort()).toEqual(['alice', 'carol']);
  });
});

describe('submissions after the end', () => {
  it('refuses every kind of submission and answer to a finished session with SESSION_FINISHED', async () => {
    const w = await world();
    await using _ = w.server;
    const [alice] = w.members;
    const signed = await sign(w, ['alice', 'bob']);
    expect((await waitForState(w.coordinator, signed)).state).toBe('completed');
    const keygenId = (await w.coordinator.session.list.query({ kind: 'keygen' }))[0]!.id;
    const point = (await w.coordinator.key.get.query({ keyId: w.keyId })).groupPublicKey;
    const submissions = [
      {
        kind: 'round1',
        package: { commitments: [point, point], proofOfKnowledge: point + '01'.repeat(32) },
      },
      { kind: 'round2', shares: { bob: 'ab'.repeat(72), carol: 'ab'.repeat(72) } },
      { kind: 'complaint', accused: 'bob', reason: 'late' },
      { kind: 'confirm', groupPublicKey: point, verifyingShare: point, escrow: 'ab'.repeat(100) },
      { kind: 'commitments', commitRound: 1, hiding: point, binding: point },
      { kind: 'share', commitRound: 1, share: '01'.repeat(32) },
      { kind: 'nonces_lost', commitRound: 1 },
    ];
    for (const sessionId of [keygenId, signed]) {
      await expectRefusedWithoutChange(w.server, w.coordinator, sessionId, [
        ...submissions.map((s) => ({
          what: `${s.kind} to ${sessionId}`,
          call: () => submitAs(alice!, sessionId, s),
          appCode: 'SESSION_FINISHED',
        })),
        {
          what: `an answer to ${sessionId}`,
          call: () => alice!.api.participant.respond.mutate({ sessionId, accept: true }),
          appCode: 'SESSION_FINISHED',
        },
      ]);
    }
    expect(await appCode(w.coordinator.session.abort.mutate({ sessionId: signed }))).toBe(
      'SESSION_FINISHED',
    );
  });
});
