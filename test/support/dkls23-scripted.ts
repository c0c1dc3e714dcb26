/**
 * A small DKLs23 participant for the session tests, built directly on protocol/dkls23 and
 * protocol/e2e (not on the participant agent, so the server is tested against an independent
 * client). Honest by default; `behaviour` makes it cheat in one chosen way, so a test can see
 * the server (or an honest co-signer) catch it.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';
import { DklsError } from '../../protocol/dkls23/errors.js';
import {
  keygenFinish,
  keygenRound1,
  keygenRound2,
  type DklsKeyShare,
  type KeygenState1,
  type KeygenState2,
} from '../../protocol/dkls23/keygen.js';
import {
  DIRECT_LABEL,
  directRound,
  keygenSid,
  signingCallerSid,
} from '../../protocol/dkls23/sessions/messages.js';
import { sealKeyShare } from '../../protocol/dkls23/sessions/escrow.js';
import {
  signRound1,
  signRound2,
  signRound3,
  type SignState1,
  type SignState2,
} from '../../protocol/dkls23/signing.js';
import {
  KeygenBroadcast1Schema,
  KeygenDirect1Codec,
  KeygenDirect2Codec,
  SignBroadcast1Schema,
  SignBroadcast2Schema,
  SignDirect1Codec,
  SignDirect2Codec,
  toWire,
  type PackedCodec,
} from '../../protocol/dkls23/wire.js';
import { decryptDirect, encryptDirect } from '../../protocol/e2e.js';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import type { SessionEvent } from '../../protocol/sessions.js';
import type { z } from 'zod';
import { callRecordingRefusals, registerWith, type Refusal } from './scripted-participant.js';

export interface DklsBehaviour {
  /** Accept invitations, then never send a round. */
  stalls?: boolean;
  /** Keygen round 1 with a proof of knowledge that does not verify. */
  badProof?: boolean;
  /** Keygen round 1: the broadcast of another keygen (a replay). */
  replayBroadcast?: unknown;
  /** Keygen round 2: a share for this member that fails its VSS check. */
  badShareFor?: string;
  /** Signing round 1: flip a bit of the OT-extension message to this member. */
  badExtensionFor?: string;
  /** Signing round 2: flip a bit of the multiplication answer to this member. */
  badMultiplicationFor?: string;
  /** Signing round 2: open the nonce commitment to another R. */
  badOpening?: boolean;
  /** Signing round 1: send each co-signer the message sealed for another pair (a replay). */
  misdirect?: boolean;
  /** Signing round 3: a wrong u (the signature cannot verify; nobody can be named). */
  badU?: boolean;
  /** Signing round 3: a u that is no scalar (≥ n). */
  outOfRangeU?: boolean;
}

interface Member {
  name: string;
  index: number;
  identityKey: string;
}

interface Session {
  members: Member[];
  index: number;
  t: number;
  n: number;
  digest?: Uint8Array;
  keyId?: string;
  keygen1?: KeygenState1;
  keygen2?: KeygenState2;
  share?: DklsKeyShare;
  sign1?: SignState1;
  sign2?: SignState2;
  attempt?: number;
  /** Every round-1 broadcast this member sent (a test replays one elsewhere). */
  sentBroadcast?: unknown;
}

const flipBit = (bytes: Uint8Array, at = 5): Uint8Array => {
  const out = Uint8Array.from(bytes);
  out[at] = out[at]! ^ 1;
  return out;
};

export class DklsScriptedParticipant {
  readonly secretKey = secp256k1.utils.randomSecretKey();
  readonly identityKey = bytesToHex(secp256k1.getPublicKey(this.secretKey, true));
  readonly refusals: Refusal[] = [];
  /** Errors its own checks raised, by session (a complaint was sent for each). */
  readonly complaints: Array<{ sessionId: string; accused: string; code: string }> = [];
  readonly keys = new Map<string, DklsKeyShare>();
  private readonly sessions = new Map<string, Session>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly client: SigSocketClient;
  private subscription: { unsubscribe(): void } | undefined;

  constructor(
    readonly name: string,
    private readonly opts: { url: string; token: string; behaviour?: DklsBehaviour },
  ) {
    this.client = createClient({ url: opts.url, token: opts.token });
  }

  get behaviour(): DklsBehaviour {
    return this.opts.behaviour ?? {};
  }

  misbehave(behaviour: DklsBehaviour): void {
    this.opts.behaviour = behaviour;
  }

  /** The round-1 broadcast it sent in a keygen (for a replay test). */
  broadcastOf(sessionId: string): unknown {
    return this.sessions.get(sessionId)?.sentBroadcast;
  }

  register(): Promise<void> {
    return registerWith(this.client, this.name, this.secretKey);
  }

  start(): void {
    this.subscription = this.client.participant.inbox.subscribe(undefined, {
      onData: (tracked) => {
        const event = tracked.data as SessionEvent;
        const queue = this.queues.get(event.sessionId) ?? Promise.resolve();
        this.queues.set(
          event.sessionId,
          queue.then(() => this.handle(event)).catch(() => undefined),
        );
      },
    });
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await closeClient(this.client);
  }

  private call(sessionId: string, what: string, fn: () => Promise<unknown>): Promise<void> {
    return callRecordingRefusals(this.refusals, sessionId, what, fn);
  }

  private submit(sessionId: string, submission: { kind: string; [k: string]: unknown }) {
    return this.call(sessionId, submission.kind, () =>
      this.client.participant.submit.mutate({ sessionId, submission }),
    );
  }

  private seal(sessionId: string, round: string, to: Member, message: Uint8Array): string {
    return encryptDirect({
      label: DIRECT_LABEL,
      round,
      sessionId,
      sender: this.name,
      recipient: to.name,
      senderSecretKey: this.secretKey,
      recipientPublicKey: to.identityKey,
      plaintext: message,
    });
  }

  private open<T>(
    sessionId: string,
    round: string,
    from: Member,
    ciphertext: string,
    codec: PackedCodec<T>,
  ): T {
    try {
      const plain = decryptDirect({
        label: DIRECT_LABEL,
        round,
        sessionId,
        sender: from.name,
        recipient: this.name,
        recipientSecretKey: this.secretKey,
        senderPublicKey: from.identityKey,
        ciphertext,
      });
      return codec.unpack(plain);
    } catch (err) {
      // Whoever sealed it (or the relay) is at fault: the sender is named.
      const why = (err as Error).message;
      throw new DklsError('INVALID_PROTOCOL_MESSAGE', `does not open: ${why}`, [from.index]);
    }
  }

  /** Seals one message per other member, keyed by name. */
  private sealAll(
    sessionId: string,
    round: string,
    session: Session,
    messages: ReadonlyMap<number, Uint8Array>,
  ): Record<string, string> {
    return Object.fromEntries(
      session.members
        .filter((m) => m.index !== session.index)
        .map((m) => [m.name, this.seal(sessionId, round, m, messages.get(m.index)!)]),
    );
  }

  private received<T>(
    sessionId: string,
    round: string,
    session: Session,
    messages: Array<{ from: string; ciphertext: string }>,
    codec: PackedCodec<T>,
  ): Map<number, T> {
    return new Map(
      messages.map((m) => {
        const from = session.members.find((x) => x.name === m.from)!;
        return [from.index, this.open(sessionId, round, from, m.ciphertext, codec)];
      }),
    );
  }

  private othersBroadcasts<S extends z.ZodType>(
    session: Session,
    broadcasts: Array<{ index: number; broadcast: unknown }>,
    schema: S,
  ): Map<number, z.output<S>> {
    return new Map(
      broadcasts
        .filter((b) => b.index !== session.index)
        .map((b) => [b.index, schema.parse(b.broadcast)]),
    );
  }

  /** A failed check of ours: complain naming the culprit (the first one it names). */
  private async complain(sessionId: string, session: Session, err: unknown): Promise<void> {
    if (!(err instanceof DklsError) || err.culprits.length === 0) throw err;
    const accused = session.members.find((m) => m.index === err.culprits[0])!.name;
    this.complaints.push({ sessionId, accused, code: err.code });
    await this.submit(sessionId, {
      kind: 'complaint',
      accused,
      reason: `${err.code}: ${err.message}`.slice(0, 500),
    });
  }

  /** Runs one of our checks; one that fails names a culprit: complain, and give up the session. */
  private async checked<T>(id: string, session: Session, step: () => T): Promise<T | undefined> {
    try {
      return step();
    } catch (err) {
      await this.complain(id, session, err);
      return undefined;
    }
  }

  private async handle(event: SessionEvent): Promise<void> {
    const p = event.payload as Record<string, any>;
    const id = event.sessionId;
    const session = this.sessions.get(id);
    switch (event.type) {
      case 'keygen_invite':
      case 'sign_invite':
        this.sessions.set(id, {
          members: p.participants,
          index: p.partIndex,
          t: p.t,
          n: p.n ?? p.participants.length,
          ...(event.type === 'sign_invite'
            ? { digest: hexToBytes(p.message), keyId: p.keyId }
            : {}),
        });
        return this.call(id, 'respond', () =>
          this.client.participant.respond.mutate({ sessionId: id, accept: true }),
        );
      case 'phase_changed':
        if (p.phase !== 'round1' || !session || this.behaviour.stalls) return;
        return session.keyId
          ? this.signStart(id, session, p.attempt)
          : this.keygenStart(id, session);
      case 'dkls23_keygen_round1':
        return this.keygenSecond(id, session!, p.broadcasts, p.messages);
      case 'dkls23_keygen_round2':
        return this.keygenConfirm(id, session!, p.messages);
      case 'dkls23_sign_round1':
        return this.signSecond(id, session!, p.broadcasts, p.messages);
      case 'dkls23_sign_round2':
        return this.signThird(id, session!, p.broadcasts, p.messages);
      case 'session_completed':
        if (session?.share && typeof p.result?.keyId === 'string' && !session.keyId) {
          this.keys.set(p.result.keyId, session.share);
        }
        return;
      default:
        return;
    }
  }

  private async keygenStart(id: string, session: Session): Promise<void> {
    const sid = keygenSid(id, session.t, session.members);
    const r1 = keygenRound1({ sid, threshold: session.t, parties: session.n, self: session.index });
    session.keygen1 = r1.state;
    let broadcast: unknown = toWire(r1.broadcast);
    session.sentBroadcast = broadcast;
    if (this.behaviour.badProof) {
      broadcast = toWire({ ...r1.broadcast, proof: flipBit(r1.broadcast.proof, 40) });
    }
    if (this.behaviour.replayBroadcast) broadcast = this.behaviour.replayBroadcast;
    const direct = new Map([...r1.direct].map(([j, m]) => [j, KeygenDirect1Codec.pack(m)]));
    await this.submit(id, {
      kind: 'dkls23_keygen_round1',
      broadcast,
      direct: this.sealAll(id, directRound('keygen/round1'), session, direct),
    });
  }

  private async keygenSecond(
    id: string,
    session: Session,
    broadcasts: Array<{ index: number; broadcast: unknown }>,
    messages: Array<{ from: string; ciphertext: string }>,
  ): Promise<void> {
    const round = directRound('keygen/round1');
    const r2 = await this.checked(id, session, () =>
      keygenRound2(
        session.keygen1!,
        this.othersBroadcasts(session, broadcasts, KeygenBroadcast1Schema),
        this.received(id, round, session, messages, KeygenDirect1Codec),
      ),
    );
    if (!r2) return;
    session.keygen2 = r2.state;
    const direct = new Map(
      [...r2.direct].map(([j, m]) => {
        const bad = session.members.find((x) => x.index === j)?.name === this.behaviour.badShareFor;
        return [j, KeygenDirect2Codec.pack(bad ? { ...m, share: flipBit(m.share, 31) } : m)];
      }),
    );
    await this.submit(id, {
      kind: 'dkls23_keygen_round2',
      direct: this.sealAll(id, directRound('keygen/round2'), session, direct),
    });
  }

  private async keygenConfirm(
    id: string,
    session: Session,
    messages: Array<{ from: string; ciphertext: string }>,
  ): Promise<void> {
    const round = directRound('keygen/round2');
    const share = await this.checked(id, session, () =>
      keygenFinish(
        session.keygen2!,
        this.received(id, round, session, messages, KeygenDirect2Codec),
      ),
    );
    if (!share) return;
    session.share = share;
    await this.submit(id, {
      kind: 'dkls23_confirm',
      groupPublicKey: bytesToHex(share.groupKey.toBytes()),
      verifyingShare: bytesToHex(share.verifyingShares[share.self - 1]!.toBytes()),
      escrow: sealKeyShare({
        sessionId: id,
        participant: this.name,
        identityPublicKey: this.identityKey,
        share,
      }),
    });
  }

  private async signStart(id: string, session: Session, attempt: number): Promise<void> {
    const key = this.keys.get(session.keyId!);
    if (!key) throw new Error(`${this.name} holds no share of ${session.keyId}`);
    session.attempt = attempt;
    const params = {
      sid: signingCallerSid(id, attempt),
      signers: session.members.map((m) => m.index),
      digest: session.digest!,
    };
    const r1 = signRound1(key, params);
    session.sign1 = r1.state;
    const direct = new Map(
      [...r1.direct].map(([j, m]) => {
        const bad =
          session.members.find((x) => x.index === j)?.name === this.behaviour.badExtensionFor;
        return [j, SignDirect1Codec.pack(bad ? { mul: flipBit(m.mul, 100) } : m)];
      }),
    );
    let sealed = this.sealAll(id, directRound('sign/round1', attempt), session, direct);
    if (this.behaviour.misdirect) {
      // Each recipient gets what was sealed to the next one: valid envelopes of another pair.
      const names = Object.keys(sealed);
      sealed = Object.fromEntries(
        names.map((n, k) => [n, sealed[names[(k + 1) % names.length]!]!]),
      );
    }
    await this.submit(id, {
      kind: 'dkls23_sign_round1',
      attempt,
      broadcast: toWire(r1.broadcast),
      direct: sealed,
    });
  }

  private async signSecond(
    id: string,
    session: Session,
    broadcasts: Array<{ index: number; broadcast: unknown }>,
    messages: Array<{ from: string; ciphertext: string }>,
  ): Promise<void> {
    const attempt = session.attempt!;
    const r2 = await this.checked(id, session, () =>
      signRound2(
        session.sign1!,
        this.othersBroadcasts(session, broadcasts, SignBroadcast1Schema),
        this.received(id, directRound('sign/round1', attempt), session, messages, SignDirect1Codec),
      ),
    );
    if (!r2) return;
    session.sign2 = r2.state;
    let broadcast = r2.broadcast;
    if (this.behaviour.badOpening) broadcast = { ...broadcast, salt: flipBit(broadcast.salt) };
    const direct = new Map(
      [...r2.direct].map(([j, m]) => {
        const bad =
          session.members.find((x) => x.index === j)?.name === this.behaviour.badMultiplicationFor;
        return [j, SignDirect2Codec.pack(bad ? { ...m, mul: flipBit(m.mul, 2000) } : m)];
      }),
    );
    await this.submit(id, {
      kind: 'dkls23_sign_round2',
      attempt,
      broadcast: toWire(broadcast),
      direct: this.sealAll(id, directRound('sign/round2', attempt), session, direct),
    });
  }

  private async signThird(
    id: string,
    session: Session,
    broadcasts: Array<{ index: number; broadcast: unknown }>,
    messages: Array<{ from: string; ciphertext: string }>,
  ): Promise<void> {
    const attempt = session.attempt!;
    const r3 = await this.checked(id, session, () =>
      signRound3(
        session.sign2!,
        this.othersBroadcasts(session, broadcasts, SignBroadcast2Schema),
        this.received(id, directRound('sign/round2', attempt), session, messages, SignDirect2Codec),
      ),
    );
    if (!r3) return;
    let broadcast = r3.broadcast;
    if (this.behaviour.badU) broadcast = { ...broadcast, u: flipBit(broadcast.u, 31) };
    if (this.behaviour.outOfRangeU) broadcast = { ...broadcast, u: new Uint8Array(32).fill(0xff) };
    await this.submit(id, { kind: 'dkls23_sign_round3', attempt, broadcast: toWire(broadcast) });
  }
}
