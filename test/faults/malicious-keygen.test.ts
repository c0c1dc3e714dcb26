/**
 * A malicious participant in a keygen, through the real server: malformed points and scalars,
 * complaints that cannot stand, a false complaint, equivocation, and round-1 packages replayed
 * from another session. Each is refused with a typed error and changes nothing, or — where it
 * breaks the protocol — fails the session naming the culprit. (Invalid proofs, shares that fail
 * VSS and bad confirmations: test/sessions/failures.test.ts and submissions.test.ts.)
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encryptShare } from '../../protocol/e2e.js';
import { bytesToHex } from '../../protocol/encoding.js';
import { dkgRound1, type Round1Package } from '../../protocol/frost/index.js';
import { round1TranscriptHash } from '../../protocol/transcript.js';
import { startTestServer } from '../support/server.js';
import {
  appCode,
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  pinned,
  waitForState,
  watchSession,
} from '../support/sessions.js';
import { waitFor } from '../support/signing.js';
import { BAD_CRYPTO_HEX } from './support/abuse-procedures.js';
import {
  expectRefusedWithoutChange,
  receivedOf,
  refusalsChecked,
  submitAs,
} from './support/abuse-sessions.js';
import { Figures } from './support/abuse-figures.js';

afterEach(closeAll);

const figures = new Figures('malicious-keygen');
afterAll(() => {
  figures.add('refusals checked (typed error, nothing changed)', refusalsChecked());
  figures.print();
});

const NAMES = ['alice', 'bob', 'carol'];
const N = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
/** Where a bad point of a secp256k1 session is refused (see BAD_POINTS). */
const refusalOf = (hex: string) =>
  [32, 33, 57].includes(hex.length / 2) ? 'INVALID_PACKAGE' : 'BAD_REQUEST';
const [WRONG_LENGTH, OFF_CURVE, IDENTITY, X_TOO_BIG] = [
  '02' + '11'.repeat(31),
  '02' + '00'.repeat(32),
  '00',
  '03' + 'ff'.repeat(32),
];

/**
 * Bad points: what each is, the value. One of some suite's sizes (32, 33 or 57 bytes) passes the
 * edge and is refused by the session's suite check (INVALID_PACKAGE); any other size is refused
 * at the edge (BAD_REQUEST). docs/protocol.md §1, Where it is checked.
 */
const BAD_POINTS: Array<[string, string]> = [
  ['a 32-byte point', WRONG_LENGTH],
  ['an off-curve point', OFF_CURVE],
  ['the identity (SEC1 00)', IDENTITY],
  ['33 zero bytes', '00'.repeat(33)],
  ['x ≥ p', X_TOO_BIG],
  [
    'an uncompressed point',
    bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false)),
  ],
];

describe('malformed keygen submissions', () => {
  it('refuses bad points and scalars in a round-1 package with a typed error, changing nothing', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice] = await participants(server, NAMES);
    alice!.hold('round1');
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    await pinned(coordinator, session.id, 'round1', ['alice']);

    const good = dkgRound1('frost-secp256k1', 1, 2, 3).package;
    const pok = good.proofOfKnowledge; // R(33) ‖ z(32)
    const round1 = (pkg: Partial<Round1Package>) => () =>
      submitAs(alice!, session.id, { kind: 'round1', package: { ...good, ...pkg } });
    await expectRefusedWithoutChange(server, coordinator, session.id, [
      ...BAD_POINTS.map(([what, point]) => ({
        what: `commitment: ${what}`,
        call: round1({ commitments: [good.commitments[0]!, point] }),
        appCode: refusalOf(point),
      })),
      {
        what: 'PoK R off the curve',
        call: round1({ proofOfKnowledge: OFF_CURVE + pok.slice(66) }),
        appCode: 'INVALID_PACKAGE',
      },
      {
        what: 'PoK z = n',
        call: round1({ proofOfKnowledge: pok.slice(0, 66) + N }),
        appCode: 'INVALID_PACKAGE',
      },
      {
        what: 'PoK z > n',
        call: round1({ proofOfKnowledge: pok.slice(0, 66) + 'ff'.repeat(32) }),
        appCode: 'INVALID_PACKAGE',
      },
      {
        what: 'PoK 63 bytes',
        call: round1({ proofOfKnowledge: pok.slice(0, -4) }),
        appCode: 'BAD_REQUEST',
      },
      // 64 bytes is a Taproot-scheme proof: well-formed, wrong for this session's scheme.
      {
        what: 'PoK of the other scheme',
        call: round1({ proofOfKnowledge: pok.slice(2) }),
        appCode: 'INVALID_PACKAGE',
      },
      {
        what: 'one commitment (t = 2)',
        call: round1({ commitments: [good.commitments[0]!] }),
        appCode: 'BAD_REQUEST',
      },
      {
        what: 'a signing submission',
        call: () =>
          submitAs(alice!, session.id, { kind: 'share', commitRound: 1, share: '00'.repeat(32) }),
        appCode: 'BAD_REQUEST',
      },
    ]);
    alice!.release('round1');
    expect((await waitForState(coordinator, session.id)).state).toBe('completed');
  });

  it('refuses bad confirmations and complaints that cannot stand, changing nothing', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice] = await participants(server, NAMES);
    await participants(server, ['dave']);
    alice!.hold('confirm');
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    await pinned(coordinator, session.id, 'confirming', ['alice']);

    const view = await coordinator.session.get.query({ sessionId: session.id });
    const point = view.participants[0]!.identityKey; // a valid point, for the other field
    const confirm = (groupPublicKey: string, verifyingShare: string) => () =>
      submitAs(alice!, session.id, {
        kind: 'confirm',
        groupPublicKey,
        verifyingShare,
        escrow: 'ab'.repeat(100),
      });
    const complain = (accused: string) => () =>
      submitAs(alice!, session.id, { kind: 'complaint', accused, reason: 'no' });
    await expectRefusedWithoutChange(server, coordinator, session.id, [
      ...BAD_POINTS.flatMap(([what, bad]) => [
        { what: `group key: ${what}`, call: confirm(bad, point), appCode: refusalOf(bad) },
        { what: `verifying share: ${what}`, call: confirm(point, bad), appCode: refusalOf(bad) },
      ]),
      { what: 'complaint about a stranger', call: complain('dave'), appCode: 'NOT_A_PARTICIPANT' },
      { what: 'complaint about itself', call: complain('alice'), appCode: 'INVALID_PACKAGE' },
      {
        what: 'complaint about an unknown name',
        call: complain('nobody'),
        appCode: 'NOT_A_PARTICIPANT',
      },
      {
        what: 'round-2 shares in confirming',
        call: () =>
          submitAs(alice!, session.id, {
            kind: 'round2',
            shares: { bob: 'ab'.repeat(72), carol: 'ab'.repeat(72) },
          }),
        appCode: 'WRONG_PHASE',
      },
      {
        what: 'an answer to the invitation',
        call: () => alice!.api.participant.respond.mutate({ sessionId: session.id, accept: false }),
        appCode: 'WRONG_PHASE',
      },
    ]);
    alice!.release('confirm');
    expect((await waitForState(coordinator, session.id)).state).toBe('completed');
  });

  it('refuses an off-curve or wrong-length identity key at registration', async () => {
    await using server = await startTestServer();
    const [mallory] = await participants(server, ['mallory']);
    const registered = () =>
      server.services.sqlite
        .prepare("select identity_key from participants where name = 'mallory'")
        .get();
    const before = registered();
    for (const [what, identityKey] of BAD_POINTS) {
      const { challenge } = await mallory!.api.participant.challenge.mutate(); // single use
      const call = mallory!.api.participant.register.mutate({
        identityKey,
        challenge,
        signature: 'ab'.repeat(64),
      });
      expect(await appCode(call), what).toBe('BAD_REQUEST');
      figures.add('bad identity keys refused');
    }
    const { challenge } = await mallory!.api.participant.challenge.mutate();
    for (const junk of BAD_CRYPTO_HEX) {
      const call = mallory!.api.participant.register.mutate({
        identityKey: junk,
        challenge,
        signature: junk,
      });
      expect(await appCode(call), junk).toBe('BAD_REQUEST');
      figures.add('bad identity keys refused');
    }
    expect(registered()).toEqual(before);
  });
});

describe('protocol attacks in a keygen', () => {
  it('fails on a false complaint naming both accuser and accused: the server cannot tell who lies', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [, bob] = await participants(server, NAMES);
    bob!.hold('confirm');
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    await waitForState(coordinator, session.id, ['confirming']);
    await submitAs(bob!, session.id, { kind: 'complaint', accused: 'alice', reason: 'made up' });
    const ended = await waitForState(coordinator, session.id);
    figures.add('sessions failed naming the culprit');
    expect(ended).toMatchObject({ state: 'failed', phase: 'confirming' });
    expect(ended.error).toMatchObject({ code: 'COMPLAINT', accuser: 'bob', accused: 'alice' });
    expect([...(ended.error!['culprits'] as string[])].sort()).toEqual(['alice', 'bob']);
    bob!.release('confirm');
  });

  it('cannot equivocate: one round-1 package per participant, one transcript for everyone', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, NAMES);
    const [alice, bob, carol] = members;
    for (const p of members) p.hold('round1');
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    const watched = watchSession(coordinator, session.id);
    await pinned(coordinator, session.id, 'round1', NAMES);
    alice!.release('round1');
    await pinned(coordinator, session.id, 'round1', ['bob', 'carol']);
    // Alice tries a second, different package (for bob's eyes, say): refused.
    const other = dkgRound1('frost-secp256k1', 1, 2, 3).package;
    expect(await appCode(submitAs(alice!, session.id, { kind: 'round1', package: other }))).toBe(
      'ALREADY_SUBMITTED',
    );
    figures.add('equivocations refused');
    bob!.release('round1');
    carol!.release('round1');
    expect((await waitForState(coordinator, session.id)).state).toBe('completed');

    // Every participant got exactly one round1_packages, all identical, hash recomputable.
    const broadcasts = members.map((p) => receivedOf(p, session.id, 'round1_packages'));
    for (const b of broadcasts) expect(b).toHaveLength(1);
    const [first] = broadcasts[0]!;
    for (const [b] of broadcasts) expect(b!.payload).toEqual(first!.payload);
    expect(first!.recipient).toBeNull();
    const { packages, transcriptHash } = first!.payload as {
      packages: Array<{ name: string; package: unknown }>;
      transcriptHash: string;
    };
    expect(round1TranscriptHash(packages)).toBe(transcriptHash);
    expect(packages.find((p) => p.name === 'alice')!.package).not.toEqual(other);
    await waitFor(() => watched.events.some((e) => e.type === 'session_completed'), 'the watch');
    expect(
      watched.events.filter((e) => e.type === 'round1_packages').map((e) => e.payload),
    ).toEqual([first!.payload]);
    const stored = server.services.sqlite
      .prepare(
        "select recipient from session_events where session_id = ? and type = 'round1_packages'",
      )
      .all(session.id);
    expect(stored).toEqual([{ recipient: null }]);
    watched.stop();
  });

  describe('a round-1 package replayed from another session', () => {
    async function replaySetup() {
      const server = await startTestServer();
      const coordinator = await clientFor(server, 'coord', 'coordinator');
      const [alice, bob, carol, mallory] = await participants(server, [...NAMES, 'mallory']);
      const first = await completedKeygen(coordinator, { threshold: 2, participants: NAMES });
      const [broadcast] = receivedOf(alice!, first.id, 'round1_packages');
      const { packages } = broadcast!.payload as {
        packages: Array<{ name: string; index: number; package: Round1Package }>;
      };
      const alicesPackage = packages.find((p) => p.name === 'alice')!; // index 1
      mallory!.hold('round1');
      mallory!.hold('round2');
      return { server, coordinator, bob: bob!, carol: carol!, mallory: mallory!, alicesPackage };
    }

    it('under another index fails the session at once, naming the replayer (INVALID_PROOF)', async () => {
      const { server, coordinator, mallory, alicesPackage } = await replaySetup();
      await using _ = server;
      const { session } = await coordinator.keygen.create.mutate({
        threshold: 2,
        participants: ['bob', 'mallory', 'carol'],
      });
      await pinned(coordinator, session.id, 'round1', ['mallory']);
      await submitAs(mallory, session.id, { kind: 'round1', package: alicesPackage.package });
      const ended = await waitForState(coordinator, session.id);
      figures.add('sessions failed naming the culprit');
      expect(ended).toMatchObject({ state: 'failed', phase: 'round1' });
      expect(ended.error).toMatchObject({ code: 'INVALID_PROOF', culprits: ['mallory'] });
    });

    it('under the same index is accepted (the proof binds the index, not the session) and fails at VSS, naming the replayer', async () => {
      const { server, coordinator, mallory, alicesPackage } = await replaySetup();
      await using _ = server;
      const members = ['mallory', 'bob', 'carol'];
      const { session } = await coordinator.keygen.create.mutate({
        threshold: 2,
        participants: members,
      });
      await pinned(coordinator, session.id, 'round1', ['mallory']);
      expect(alicesPackage.index).toBe(1);
      await submitAs(mallory, session.id, { kind: 'round1', package: alicesPackage.package });
      await waitForState(coordinator, session.id, ['round2']);
      // Mallory does not know alice's polynomial: whatever shares she sends cannot match it.
      const view = await coordinator.session.get.query({ sessionId: session.id });
      const shares = Object.fromEntries(
        view.participants
          .filter((p) => p.name !== 'mallory')
          .map((p) => [
            p.name,
            encryptShare({
              sessionId: session.id,
              sender: 'mallory',
              recipient: p.name,
              senderSecretKey: mallory.secretKey,
              recipientPublicKey: p.identityKey,
              share: bytesToHex(secp256k1.utils.randomSecretKey()),
            }),
          ]),
      );
      await submitAs(mallory, session.id, { kind: 'round2', shares });
      const ended = await waitForState(coordinator, session.id);
      figures.add('sessions failed naming the culprit');
      expect(ended).toMatchObject({ state: 'failed', phase: 'confirming' });
      expect(ended.error).toMatchObject({ code: 'COMPLAINT', accused: 'mallory' });
      expect(ended.error!['culprits']).toContain('mallory');
      expect(await coordinator.key.list.query()).toHaveLength(1); // only the first keygen's
    });
  });
});
