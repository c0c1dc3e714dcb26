import { describe, expect, it } from 'vitest';
import {
  foreignProofChallenge,
  isProofChallenge,
  proofChallenge,
  proofChallengeOrigin,
  proofOrigin,
} from '../../protocol/legacy.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { publicKeyOf, randomSecretKey } from '../../protocol/ecdsa/sign.js';
import type { AttachEvent } from '../../protocol/signer-schemas.js';
import { runSigner } from '../../client/signer/typed.js';
import type { SigSocketClient } from '../../client/trpc.js';
import { waitFor } from '../support/signing.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('proof challenges bound to an origin', () => {
  it('read the origin of http(s) and ws(s) URLs the same way', () => {
    expect(proofOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(proofOrigin('ws://127.0.0.1:8080/ws')).toBe('http://127.0.0.1:8080');
    expect(proofOrigin('wss://Sign.Example.com:443/ws')).toBe('https://sign.example.com');
    expect(proofOrigin('https://sign.example.com/base/')).toBe('https://sign.example.com');
    expect(proofOrigin('http://[::1]:9000')).toBe('http://[::1]:9000');
    expect(() => proofOrigin('ftp://x')).toThrow(TypeError);
  });

  it('are sigsocket-proof:<origin>:<64 hex>, fresh each time', () => {
    const a = proofChallenge('https://sign.example.com/x');
    expect(text(a)).toMatch(/^sigsocket-proof:https:\/\/sign\.example\.com:[0-9a-f]{64}$/);
    expect(text(proofChallenge('https://sign.example.com'))).not.toBe(text(a));
    expect(isProofChallenge(a)).toBe(true);
    expect(proofChallengeOrigin(a)).toBe('https://sign.example.com');
    expect(proofChallengeOrigin(proofChallenge('http://[::1]:9000'))).toBe('http://[::1]:9000');
  });

  it('are signed only for the server the signer was given', () => {
    const challenge = proofChallenge('http://127.0.0.1:8080');
    expect(foreignProofChallenge(challenge, 'ws://127.0.0.1:8080/ws')).toBeUndefined();
    expect(foreignProofChallenge(challenge, 'http://127.0.0.1:8081')).toMatch(
      /is for http:\/\/127\.0\.0\.1:8080, not for http:\/\/127\.0\.0\.1:8081/,
    );
    expect(foreignProofChallenge(challenge, 'http://localhost:8080')).toBeDefined();
  });

  it('refuse malformed challenges: the old format, a short nonce, a non-canonical origin', () => {
    const malformed = [
      Buffer.concat([Buffer.from('sigsocket-proof:'), Buffer.alloc(32, 7)]),
      Buffer.from(`sigsocket-proof:http://127.0.0.1:8080:${'ab'.repeat(31)}`),
      Buffer.from(`sigsocket-proof:HTTP://127.0.0.1:8080:${'ab'.repeat(32)}`),
      Buffer.from(`sigsocket-proof:http://127.0.0.1:8080/:${'ab'.repeat(32)}`),
      Buffer.from(`sigsocket-proof::${'ab'.repeat(32)}`),
      Buffer.from('hello'),
    ];
    for (const bytes of malformed) {
      expect(proofChallengeOrigin(new Uint8Array(bytes)), bytes.toString()).toBeUndefined();
      expect(foreignProofChallenge(new Uint8Array(bytes), 'http://127.0.0.1:8080')).toBeDefined();
    }
  });
});

describe('a typed signer facing a server that relays another deployment', () => {
  it('refuses a proof challenge sent as a sign request, and signs an ordinary one', async () => {
    // The cheating server: it attaches the signer, then forwards another server's challenge
    // (which it would replay there as its own proof) as a sign request.
    let handlers: { onData(event: AttachEvent): void } | undefined;
    const answers: Array<{ requestId: string; signature?: string; refuse?: { reason: string } }> =
      [];
    const client = {
      signer: {
        attach: {
          subscribe(_input: unknown, h: { onData(event: AttachEvent): void }) {
            handlers = h;
            return { unsubscribe() {} };
          },
        },
        prove: { mutate: async () => ({}) },
        respond: {
          mutate: async (answer: (typeof answers)[number]) => {
            answers.push(answer);
            return {};
          },
        },
      },
    } as unknown as SigSocketClient;
    const secretKey = randomSecretKey();
    const signer = runSigner({ client, url: 'http://127.0.0.1:8080', secretKey });
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    handlers!.onData({ type: 'attached' } as AttachEvent);
    const foreign = proofChallenge('https://other.example:8443');
    handlers!.onData({ type: 'request', requestId: 'r1', message: b64(foreign) } as AttachEvent);
    const ordinary = new TextEncoder().encode('pay 1 to bob');
    handlers!.onData({ type: 'request', requestId: 'r2', message: b64(ordinary) } as AttachEvent);
    await waitFor(() => answers.length === 2, 'both answers');
    await signer.stop();
    const byId = Object.fromEntries(answers.map((a) => [a.requestId, a]));
    expect(byId['r1']?.signature).toBeUndefined();
    expect(byId['r1']?.refuse?.reason).toMatch(/proof challenge/);
    const signature = Buffer.from(byId['r2']!.signature!, 'base64');
    // The ordinary request is signed: a compact signature over SHA-256 of the message.
    expect(
      secp256k1.verify(signature, sha256(ordinary), publicKeyOf(secretKey), { prehash: false }),
    ).toBe(true);
  });
});
