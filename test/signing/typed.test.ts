import { TRPCClientError } from '@trpc/client';
import { afterEach, describe, expect, it } from 'vitest';
import { runLegacySigner } from '../../client/signer/legacy.js';
import { runSigner } from '../../client/signer/typed.js';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';
import { loadVerifier } from '../../protocol/ecdsa/verifier.js';
import { base64Decode } from '../../protocol/encoding.js';
import type { AttachEvent } from '../../protocol/signer-schemas.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { b64, getJson, testKey, waitFor } from '../support/signing.js';

const verifier = loadVerifier('native');

const open: SigSocketClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map(closeClient));
});

/** A typed client for `sub` (closed after the test). */
async function client(server: TestServer, sub: string, role: 'coordinator' | 'participant' | 'admin'): Promise<SigSocketClient> {
  const c = createClient({ url: server.url, token: await server.token(sub, role) });
  open.push(c);
  return c;
}

async function appCode(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCClientError);
  return ((err as TRPCClientError<never>).data as { appCode?: string } | undefined)?.appCode;
}

async function connected(server: TestServer, publicKey: string): Promise<boolean> {
  return ((await getJson(server.url, `/connected/${publicKey}`)) as { connected: boolean }).connected;
}

describe('typed signers and signer.sign', () => {
  it('serves typed and legacy signers through the same signer.sign and POST /sign', async () => {
    await using server = await startTestServer();
    const caller = await client(server, 'carol', 'coordinator');
    const signerClient = await client(server, 'wallet', 'participant');
    const typedKey = testKey();
    const legacyKey = testKey();
    const typed = runSigner({ client: signerClient, secretKey: typedKey.secretKey });
    const legacy = runLegacySigner({ url: server.url, secretKey: legacyKey.secretKey });
    await typed.ready();
    await waitFor(() => connected(server, legacyKey.publicKey), 'legacy registration');
    expect(await getJson(server.url, '/status')).toMatchObject({ connections: 2, legacy: 1, typed: 1 });
    expect(typed.publicKey).toBe(typedKey.publicKey);

    for (const key of [typedKey, legacyKey]) {
      const message = new TextEncoder().encode(`hello ${key.publicKey.slice(0, 8)}`);
      const result = await caller.signer.sign.mutate({ publicKey: key.publicKey, message: b64(message) });
      expect(base64Decode(result.message)).toEqual(message);
      expect(verifier.verify(base64Decode(result.signature), message, Buffer.from(key.publicKey, 'hex'))).toBe(true);
    }
    // The HTTP twin reaches the typed signer too.
    const res = await fetch(`${server.url}/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await server.token('carol', 'coordinator')}` },
      body: JSON.stringify({ public_key: typedKey.publicKey, message: b64('via http') }),
    });
    expect(res.status).toBe(200);

    expect(await caller.signer.status.query()).toMatchObject({ connections: 2, signers: 2, pending: 0 });
    expect(await caller.signer.connected.query({ publicKey: typedKey.publicKey })).toEqual({ publicKey: typedKey.publicKey, connected: true });
    await typed.stop();
    await legacy.stop();
    await expect.poll(() => caller.signer.status.query()).toMatchObject({ connections: 0 });
  });

  it('gives the caller SIGNER_REFUSED when a typed signer declines, TIMEOUT when a legacy one stays silent', async () => {
    await using server = await startTestServer();
    const caller = await client(server, 'carol', 'coordinator');
    const signerClient = await client(server, 'wallet', 'participant');
    const typedKey = testKey();
    const legacyKey = testKey();
    const seen: string[] = [];
    const approve = (m: Uint8Array) => {
      const text = new TextDecoder().decode(m);
      seen.push(text);
      return !text.startsWith('drain');
    };
    const typed = runSigner({ client: signerClient, secretKey: typedKey.secretKey, approve, refusalReason: 'not today' });
    const legacy = runLegacySigner({ url: server.url, secretKey: legacyKey.secretKey, approve });
    await typed.ready();
    await waitFor(() => connected(server, legacyKey.publicKey), 'legacy registration');

    const refused = caller.signer.sign.mutate({ publicKey: typedKey.publicKey, message: b64('drain the account') });
    expect(await appCode(refused)).toBe('SIGNER_REFUSED');
    await refused.catch((e: Error) => expect(e.message).toMatch(/not today/));
    const silent = caller.signer.sign.mutate({ publicKey: legacyKey.publicKey, message: b64('drain it all'), timeoutMs: 300 });
    expect(await appCode(silent)).toBe('TIMEOUT');
    expect(seen).toEqual(['drain the account', 'drain it all']);
    // Approved messages still go through.
    await caller.signer.sign.mutate({ publicKey: typedKey.publicKey, message: b64('pay 1') });
    await typed.stop();
    await legacy.stop();
  });

  it('checks the typed proof of possession and who may answer', async () => {
    await using server = await startTestServer({ signTimeoutMs: 2000 });
    const caller = await client(server, 'carol', 'coordinator');
    const wallet = await client(server, 'wallet', 'participant');
    const intruder = await client(server, 'mallory', 'participant');
    const key = testKey();
    const events: AttachEvent[] = [];
    let ended: unknown;
    const sub = wallet.signer.attach.subscribe({ publicKey: key.publicKey }, {
      onData: (e) => events.push(e),
      onError: (err) => (ended = err),
    });
    await waitFor(() => events.length > 0, 'challenge');
    const challenge = events[0]!;
    if (challenge.type !== 'challenge') throw new Error('expected a challenge');
    // Another principal cannot answer this challenge.
    const goodProof = b64(key.sign(base64Decode(challenge.challenge)));
    expect(await appCode(intruder.signer.prove.mutate({ attachId: challenge.attachId, signature: goodProof }))).toBe('NOT_FOUND');
    // A proof by another key fails, and ends the subscription.
    const badProof = b64(testKey().sign(base64Decode(challenge.challenge)));
    expect(await appCode(wallet.signer.prove.mutate({ attachId: challenge.attachId, signature: badProof }))).toBe('INVALID_SIGNATURE');
    await waitFor(() => ended !== undefined, 'subscription error');
    expect((ended as TRPCClientError<never>).data).toMatchObject({ code: 'UNAUTHORIZED' });
    sub.unsubscribe();
    expect(await connected(server, key.publicKey)).toBe(false);

    // A proper attach; then only its owner may respond.
    const typed = runSigner({ client: wallet, secretKey: key.secretKey, approve: () => new Promise(() => {}) });
    await typed.ready();
    const call = caller.signer.sign.mutate({ publicKey: key.publicKey, message: b64('x'), timeoutMs: 1500 });
    await waitFor(async () => (await caller.signer.status.query()).pending === 1, 'pending');
    expect(await appCode(intruder.signer.respond.mutate({ requestId: crypto.randomUUID(), signature: b64(new Uint8Array(64)) }))).toBe('NOT_FOUND');
    expect(await appCode(call)).toBe('TIMEOUT');
    await typed.stop();
  });

  it('fails a pending request with SIGNER_DISCONNECTED when the typed signer goes away', async () => {
    await using server = await startTestServer();
    const caller = await client(server, 'carol', 'coordinator');
    const signerClient = await client(server, 'wallet', 'participant');
    const key = testKey();
    const typed = runSigner({ client: signerClient, secretKey: key.secretKey, approve: () => new Promise(() => {}) });
    await typed.ready();
    const call = caller.signer.sign.mutate({ publicKey: key.publicKey, message: b64('x'), timeoutMs: 60_000 });
    await waitFor(async () => (await caller.signer.status.query()).pending === 1, 'pending');
    await typed.stop();
    expect(await appCode(call)).toBe('SIGNER_DISCONNECTED');
  });

  it('refuses signer.sign to participants and callers without a token', async () => {
    await using server = await startTestServer();
    const participant = await client(server, 'pat', 'participant');
    const anonymous = createClient({ url: server.url });
    open.push(anonymous);
    const input = { publicKey: testKey().publicKey, message: b64('x') };
    const forbidden = await participant.signer.sign.mutate(input).catch((e: TRPCClientError<never>) => e);
    expect((forbidden as TRPCClientError<never>).data).toMatchObject({ code: 'FORBIDDEN' });
    const unauthorised = await anonymous.signer.sign.mutate(input).catch((e: TRPCClientError<never>) => e);
    expect((unauthorised as TRPCClientError<never>).data).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
