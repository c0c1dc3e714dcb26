import type { Unsubscribable } from '@trpc/server/observable';
import { base64Decode, base64Encode, bytesToHex } from '../../protocol/encoding.js';
import { publicKeyOf, signMessage } from '../../protocol/ecdsa/sign.js';
import { foreignProofChallenge, isProofChallenge } from '../../protocol/legacy.js';
import type { AttachEvent } from '../../protocol/signer-schemas.js';
import { connectionProblem, refusalOf } from '../server-errors.js';
import { reconnectDelayMs, type SigSocketClient } from '../trpc.js';
import { ReadySignal, type Approve, type SignerEvent, type SignerHandle } from './types.js';

/** The refusal of a sign request whose message is a proof challenge. */
const PROOF_AS_REQUEST = 'a proof challenge is signed only to attach, never as a sign request';
export interface TypedSignerOptions {
  /** A typed client whose token may attach signers (any role). */
  client: SigSocketClient;
  /**
   * The server's URL, as given to `createClient`: the signer proves possession only for
   * challenges that name its origin (docs/signing.md, "Proof of possession").
   */
  url: string;
  /** 32-byte secp256k1 secret key. */
  secretKey: Uint8Array;
  /** Whether to sign a request; a refusal reaches the caller as SIGNER_REFUSED. */
  approve?: Approve;
  /** The reason the caller sees when `approve` says no. */
  refusalReason?: string;
  onEvent?: (event: SignerEvent) => void;
}

/**
 * A typed signer (docs/signing.md §3): subscribes to `signer.attach`, proves possession of its key
 * by signing the challenge (`signer.prove`) if it names the origin of `url` (else it gives up), then answers each request with `signer.respond` (a
 * compact low-S signature, or a refusal). The client's WebSocket reconnects by itself and
 * re-subscribes, which starts a fresh challenge; if the subscription ends with an error, this
 * re-subscribes with backoff until stopped.
 */
export function runSigner(opts: TypedSignerOptions): SignerHandle {
  const { client } = opts;
  const publicKey = bytesToHex(publicKeyOf(opts.secretKey));
  const emit = opts.onEvent ?? (() => {});
  const reason = opts.refusalReason ?? 'the key holder declined to sign';
  const ready = new ReadySignal();
  let stopped = false;
  let attempt = 0;
  let subscription: Unsubscribable | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  const report = (err: unknown) =>
    emit({ type: 'error', message: err instanceof Error ? err.message : String(err) });

  async function answer(requestId: string, message: Uint8Array): Promise<void> {
    // A proof challenge is signed only as the attachment's own proof: a server forwarding one
    // as a sign request could be relaying another deployment's challenge (docs/signing.md).
    if (isProofChallenge(message)) {
      await client.signer.respond.mutate({ requestId, refuse: { reason: PROOF_AS_REQUEST } });
      emit({ type: 'refused', messageBytes: message.length });
      return;
    }
    if (opts.approve && !(await opts.approve(message))) {
      await client.signer.respond.mutate({ requestId, refuse: { reason } });
      emit({ type: 'refused', messageBytes: message.length });
      return;
    }
    const signature = base64Encode(signMessage(opts.secretKey, message));
    await client.signer.respond.mutate({ requestId, signature });
    emit({ type: 'signed', messageBytes: message.length });
  }

  function onData(event: AttachEvent): void {
    switch (event.type) {
      case 'challenge': {
        ready.reset();
        emit({ type: 'connected' });
        const challenge = base64Decode(event.challenge);
        const foreign = foreignProofChallenge(challenge, opts.url);
        if (foreign !== undefined) {
          stopped = true;
          subscription?.unsubscribe();
          subscription = undefined;
          emit({ type: 'gave_up', message: `not signing the proof challenge: ${foreign}` });
          return;
        }
        const signature = base64Encode(signMessage(opts.secretKey, challenge));
        client.signer.prove.mutate({ attachId: event.attachId, signature }).catch(report);
        return;
      }
      case 'attached':
        attempt = 0;
        emit({ type: 'registered' });
        ready.set();
        return;
      case 'request':
        answer(event.requestId, base64Decode(event.message)).catch(report);
        return;
    }
  }

  function retry(): void {
    ready.reset();
    subscription?.unsubscribe();
    subscription = undefined;
    if (stopped) return;
    retryTimer = setTimeout(subscribe, reconnectDelayMs(++attempt));
  }

  function subscribe(): void {
    subscription = client.signer.attach.subscribe(
      { publicKey },
      {
        onData,
        onError: (err) => {
          if (stopped) return;
          const refusal = refusalOf(err);
          if (refusal) {
            // A definite no (an invalid or expired token, a role that may not attach...):
            // asking again cannot change it.
            stopped = true;
            subscription = undefined;
            emit({ type: 'gave_up', message: `${refusal.code}: ${refusal.message}` });
            return;
          }
          report(err);
          emit({ type: 'disconnected' });
          retry();
        },
        onComplete: () => {
          if (stopped) return;
          emit({ type: 'disconnected' });
          retry();
        },
        onConnectionStateChange: (state) => {
          if (state.state !== 'connecting' || !state.error || stopped) return;
          ready.reset();
          emit({ type: 'disconnected', reason: connectionProblem(state.error) });
        },
      },
    );
  }

  subscribe();
  return {
    publicKey,
    ready: () => ready.wait(),
    stop: async () => {
      stopped = true;
      clearTimeout(retryTimer);
      subscription?.unsubscribe();
      subscription = undefined;
    },
  };
}
