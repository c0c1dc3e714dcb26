/**
 * A small FROST participant for the session tests, built directly on protocol/frost and
 * protocol/e2e (not on the participant agent, so the server is tested against an independent
 * implementation). Honest by default; `behaviour` makes it misbehave in one chosen way, and
 * gates hold it before a step so a test can act (restart the server, ...) at a known point.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { TRPCClientError } from '@trpc/client';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';
import { signMessage } from '../../protocol/ecdsa/sign.js';
import { bytesToHex } from '../../protocol/encoding.js';
import { decryptEscrow, decryptShare, encryptEscrow, encryptShare } from '../../protocol/e2e.js';
import {
  FrostError,
  commit,
  dkgRound1,
  dkgRound2,
  dkgRound3,
  schemeInfo,
  signShare,
  type DkgOutput,
  type DkgSecretState,
  type IndexMap,
  type KeyShare,
  type NonceCommitments,
  type Nonces,
  type Round1Package,
  type Scheme,
} from '../../protocol/frost/index.js';
import {
  identityProofMessage,
  type SessionEvent,
  type Submission,
} from '../../protocol/sessions.js';

export interface Behaviour {
  /** Reject every invitation with this reason. */
  reject?: string;
  /** Never answer invitations. */
  silent?: boolean;
  /** Round 1 with a well-formed but invalid proof of knowledge. */
  badProof?: boolean;
  /** Send this participant a well-formed share that fails VSS verification. */
  badShareFor?: string;
  /** Submit a random scalar as signature share. */
  badSignatureShare?: boolean;
  /** Report lost nonces (once) instead of signing the first signing package. */
  loseNoncesOnce?: boolean;
  /** Commit with the commitments of its previous signing session (nonce reuse). */
  replayCommitments?: boolean;
  /** Forget key shares after keygen: sign from the escrow in the sign invitation. */
  forgetKeys?: boolean;
  /** Confirm the keygen with another participant's verifying share. */
  badConfirmation?: boolean;
}

/** Points where a participant can be held: before it answers an invitation or submits that step. */
export type Gate = 'respond' | 'round1' | 'round2' | 'confirm' | 'commit' | 'share';

export interface Refusal {
  sessionId: string;
  what: string;
  code: string | undefined;
  message: string;
}

interface KeygenState {
  scheme: Scheme;
  index: number;
  t: number;
  n: number;
  members: Array<{ name: string; index: number; identityKey: string }>;
  secret?: DkgSecretState;
  round1?: IndexMap<Round1Package>;
  output?: DkgOutput;
}

interface SignState {
  scheme: Scheme;
  keyId: string;
  keygenSessionId: string;
  message: string;
  escrow: string | null;
  nonces: Map<number, Nonces>;
  committed: Set<number>;
}

const isTransient = (err: unknown) =>
  !(err instanceof TRPCClientError) || err.data === undefined || err.data === null;

/** Registers `name`'s identity key (the public key of `secretKey`) with proof of possession. */
export async function registerWith(
  client: SigSocketClient,
  name: string,
  secretKey: Uint8Array,
): Promise<void> {
  const identityKey = bytesToHex(secp256k1.getPublicKey(secretKey, true));
  const { challenge } = await client.participant.challenge.mutate();
  const message = identityProofMessage(name, identityKey, challenge);
  const signature = bytesToHex(signMessage(secretKey, message));
  await client.participant.register.mutate({ identityKey, challenge, signature });
}

/** Runs a call, retrying while the server is unreachable; a refusal is recorded, not thrown. */
export async function callRecordingRefusals(
  refusals: Refusal[],
  sessionId: string,
  what: string,
  fn: () => Promise<unknown>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fn();
      return;
    } catch (err) {
      if (isTransient(err) && attempt < 100) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const data = (err as TRPCClientError<never>).data as { appCode?: string } | undefined;
      refusals.push({ sessionId, what, code: data?.appCode, message: (err as Error).message });
      return;
    }
  }
}

const gateKey = (gate: Gate, sessionId?: string) => (sessionId ? `${gate}@${sessionId}` : gate);

/** A random non-zero scalar of the scheme's suite, in its encoding. */
const randomScalar = (scheme: Scheme) =>
  bytesToHex(schemeInfo(scheme).Fn.toBytes(schemeInfo(scheme).Fn.random()));

export class ScriptedParticipant {
  readonly secretKey = secp256k1.utils.randomSecretKey();
  readonly identityKey = bytesToHex(secp256k1.getPublicKey(this.secretKey, true));
  /** Every inbox delivery in arrival order (duplicates included, to let tests check). */
  readonly received: SessionEvent[] = [];
  readonly refusals: Refusal[] = [];
  readonly keys = new Map<string, DkgOutput | KeyShare>();
  lastEventId: string | null = null;
  private client: SigSocketClient;
  private subscription: { unsubscribe(): void } | undefined;
  private readonly keygens = new Map<string, KeygenState>();
  private readonly signs = new Map<string, SignState>();
  private readonly handled = new Set<number>();
  /** Held gates, by `gate` (every session) or `gate@sessionId` (that session only). */
  private readonly gates = new Map<string, { promise: Promise<void>; open: () => void }>();
  private lastCommitments: NonceCommitments | undefined;
  private lostNonces = false;
  /** Events are handled in order per session; sessions do not wait for each other. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    readonly name: string,
    private readonly opts: { url: string; token: string; behaviour?: Behaviour },
  ) {
    this.client = createClient({ url: opts.url, token: opts.token });
  }

  get behaviour(): Behaviour {
    return this.opts.behaviour ?? {};
  }

  /** Changes how it behaves from now on (e.g. honest keygen, then a bad signature share). */
  misbehave(behaviour: Behaviour): void {
    this.opts.behaviour = behaviour;
  }

  get api(): SigSocketClient {
    return this.client;
  }

  /** Registers the identity key with proof of possession. */
  register(): Promise<void> {
    return registerWith(this.client, this.name, this.secretKey);
  }

  /** Subscribes to the inbox (resuming after `lastEventId` if it has one). */
  start(): void {
    this.subscription = this.client.participant.inbox.subscribe(
      this.lastEventId ? { lastEventId: this.lastEventId } : undefined,
      {
        onData: (tracked) => {
          const event = tracked.data as SessionEvent;
          this.received.push(event);
          this.lastEventId = tracked.id;
          if (this.handled.has(event.id)) return;
          this.handled.add(event.id);
          const queue = this.queues.get(event.sessionId) ?? Promise.resolve();
          this.queues.set(
            event.sessionId,
            queue.then(() => this.handle(event)).catch(() => undefined),
          );
        },
      },
    );
  }

  /** Drops the connection (the state stays; `start()` resumes from `lastEventId`). */
  async disconnect(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    await closeClient(this.client);
    this.client = createClient({ url: this.opts.url, token: this.opts.token });
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await closeClient(this.client);
  }

  /** Holds the participant before `gate`: in every session, or only in `sessionId`. */
  hold(gate: Gate, sessionId?: string): void {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gates.set(gateKey(gate, sessionId), { promise, open });
  }

  release(gate: Gate, sessionId?: string): void {
    const key = gateKey(gate, sessionId);
    this.gates.get(key)?.open();
    this.gates.delete(key);
  }

  /** Ids of the events received, in order. */
  eventIds(): number[] {
    return this.received.map((e) => e.id);
  }

  private async gate(gate: Gate, sessionId: string): Promise<void> {
    await this.gates.get(gate)?.promise;
    await this.gates.get(gateKey(gate, sessionId))?.promise;
  }

  /** Submits, retrying while the server is unreachable; refusals are recorded, not thrown. */
  private call(sessionId: string, what: string, fn: () => Promise<unknown>): Promise<void> {
    return callRecordingRefusals(this.refusals, sessionId, what, fn);
  }

  private submit(sessionId: string, submission: Submission): Promise<void> {
    return this.call(sessionId, submission.kind, () =>
      this.client.participant.submit.mutate({ sessionId, submission }),
    );
  }

  private async respond(sessionId: string): Promise<void> {
    if (this.behaviour.silent) return;
    await this.gate('respond', sessionId);
    const reason = this.behaviour.reject;
    const answer = reason ? { accept: false, reason } : { accept: true };
    return this.call(sessionId, 'respond', () =>
      this.client.participant.respond.mutate({ sessionId, ...answer }),
    );
  }

  private async handle(event: SessionEvent): Promise<void> {
    const p = event.payload as Record<string, any>;
    switch (event.type) {
      case 'keygen_invite':
        this.keygens.set(event.sessionId, {
          scheme: p.scheme,
          index: p.partIndex,
          t: p.t,
          n: p.n,
          members: p.participants,
        });
        return this.respond(event.sessionId);
      case 'sign_invite':
        this.signs.set(event.sessionId, {
          scheme: p.scheme,
          keyId: p.keyId,
          keygenSessionId: p.keygenSessionId,
          message: p.message,
          escrow: p.escrow,
          nonces: new Map(),
          committed: new Set(),
        });
        return this.respond(event.sessionId);
      case 'phase_changed':
        if (p.phase === 'round1') return this.round1(event.sessionId);
        if (p.phase === 'commitments') return this.commit(event.sessionId, p.commitRound);
        return;
      case 'round1_packages':
        return this.round2(event.sessionId, p.packages);
      case 'round2_shares':
        return this.confirm(event.sessionId, p.shares);
      case 'signing_package':
        return this.sign(event.sessionId, p.commitRound, p.commitments);
      case 'session_completed': {
        const state = this.keygens.get(event.sessionId);
        if (state?.output && !this.behaviour.forgetKeys)
          this.keys.set(p.result.keyId, state.output);
        return;
      }
      default:
        return;
    }
  }

  private async round1(sessionId: string): Promise<void> {
    const state = this.keygens.get(sessionId);
    if (!state) return;
    const r1 = dkgRound1(state.scheme, state.index, state.t, state.n);
    state.secret = r1.secretState;
    await this.gate('round1', sessionId);
    let pkg = r1.package;
    if (this.behaviour.badProof) {
      // Another valid scalar for z: well-formed, but the proof no longer verifies.
      const z = randomScalar(state.scheme);
      pkg = { ...pkg, proofOfKnowledge: pkg.proofOfKnowledge.slice(0, -z.length) + z };
    }
    await this.submit(sessionId, { kind: 'round1', package: pkg });
  }

  private async round2(
    sessionId: string,
    packages: Array<{ index: number; package: Round1Package }>,
  ): Promise<void> {
    const state = this.keygens.get(sessionId);
    if (!state?.secret) return;
    const round1: IndexMap<Round1Package> = {};
    for (const p of packages) round1[p.index] = p.package;
    state.round1 = round1;
    const { secretState, sharesFor } = dkgRound2(state.secret, round1);
    state.secret = secretState;
    const shares: Record<string, string> = {};
    for (const member of state.members) {
      if (member.index === state.index) continue;
      const share =
        this.behaviour.badShareFor === member.name
          ? randomScalar(state.scheme)
          : sharesFor[member.index]!;
      shares[member.name] = encryptShare({
        sessionId,
        sender: this.name,
        recipient: member.name,
        senderSecretKey: this.secretKey,
        recipientPublicKey: member.identityKey,
        share,
      });
    }
    await this.gate('round2', sessionId);
    await this.submit(sessionId, { kind: 'round2', shares });
  }

  private async confirm(
    sessionId: string,
    shares: Array<{ from: string; fromIndex: number; ciphertext: string }>,
  ): Promise<void> {
    const state = this.keygens.get(sessionId);
    if (!state?.secret || !state.round1) return;
    const received: IndexMap<string> = {};
    const complain = (accused: string, reason: string) =>
      this.submit(sessionId, { kind: 'complaint', accused, reason });
    for (const s of shares) {
      const sender = state.members.find((m) => m.name === s.from)!;
      try {
        received[s.fromIndex] = decryptShare({
          sessionId,
          sender: s.from,
          recipient: this.name,
          recipientSecretKey: this.secretKey,
          senderPublicKey: sender.identityKey,
          ciphertext: s.ciphertext,
        });
      } catch (err) {
        return complain(s.from, `cannot decrypt the share: ${(err as Error).message}`);
      }
    }
    try {
      state.output = dkgRound3(state.secret, state.round1, received);
    } catch (err) {
      if (err instanceof FrostError && err.code === 'INVALID_SECRET_SHARE') {
        const accused = state.members.find((m) => m.index === err.culprits[0])!.name;
        return complain(accused, 'the share fails VSS verification');
      }
      throw err;
    }
    const escrow = encryptEscrow({
      sessionId,
      participant: this.name,
      identityPublicKey: this.identityKey,
      keyShare: state.output,
    });
    await this.gate('confirm', sessionId);
    const { groupPublicKey, verifyingShares } = state.output;
    const reported = this.behaviour.badConfirmation ? (state.index % state.n) + 1 : state.index;
    const verifyingShare = verifyingShares[reported]!;
    await this.submit(sessionId, { kind: 'confirm', groupPublicKey, verifyingShare, escrow });
  }

  private keyFor(state: SignState): KeyShare | DkgOutput {
    const known = this.keys.get(state.keyId);
    if (known) return known;
    if (!state.escrow) throw new Error(`${this.name} has no share of ${state.keyId}`);
    return decryptEscrow({
      sessionId: state.keygenSessionId,
      participant: this.name,
      identitySecretKey: this.secretKey,
      escrow: state.escrow,
    });
  }

  private async commit(sessionId: string, commitRound: number): Promise<void> {
    const state = this.signs.get(sessionId);
    if (!state || state.committed.has(commitRound)) return;
    state.committed.add(commitRound);
    const key = this.keyFor(state);
    const fresh = commit(state.scheme, key.signingShare);
    state.nonces.set(commitRound, fresh.nonces);
    const replayed = this.behaviour.replayCommitments ? this.lastCommitments : undefined;
    this.lastCommitments = fresh.commitments;
    const commitments = replayed ?? fresh.commitments;
    await this.gate('commit', sessionId);
    await this.submit(sessionId, { kind: 'commitments', commitRound, ...commitments });
  }

  private async sign(
    sessionId: string,
    commitRound: number,
    commitments: Array<{ index: number } & NonceCommitments>,
  ): Promise<void> {
    const state = this.signs.get(sessionId);
    const nonces = state?.nonces.get(commitRound);
    if (!state || !nonces) return;
    state.nonces.delete(commitRound); // single use, before the share leaves
    if (this.behaviour.loseNoncesOnce && !this.lostNonces) {
      this.lostNonces = true;
      await this.submit(sessionId, { kind: 'nonces_lost', commitRound });
      return;
    }
    const key = this.keyFor(state);
    const signingPackage = {
      message: state.message,
      commitments: Object.fromEntries(
        commitments.map(({ index, hiding, binding }) => [index, { hiding, binding }]),
      ),
    };
    const share = this.behaviour.badSignatureShare
      ? randomScalar(state.scheme)
      : signShare(state.scheme, key, nonces, signingPackage);
    await this.gate('share', sessionId);
    await this.submit(sessionId, { kind: 'share', commitRound, share });
  }
}
