import { TRPCClientError } from '@trpc/client';
import { afterEach, describe, expect, it } from 'vitest';
import { runLegacySigner } from '../../client/signer/legacy.js';
import { runSigner } from '../../client/signer/typed.js';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';
import { loadVerifier } from '../../protocol/ecdsa/verifier.js';
import { base64Decode } from '../../protocol/encoding.js';
import type { AttachEvent } from '../../protocol/signer-schemas.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  b64,
  connectLegacy,
  getJson,
  isConnected,
  postSign,
  testKey,
  waitFor,
  type TestKey,
} from '../support/signing.js';

const verifier = loadVerifier('native');
const text = (s: string) => new TextEncoder().encode(s);

const open: SigSocketClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map(closeClient));
});

/** A typed client for `sub` (closed after the test). */
async function client(
  server: TestServer,
  sub: string,
  role: 'coordinator' | 'participant' | 'admin',
): Promise<SigSocketClient> {
  const c = createClient({ url: server.url, token: await server.token(sub, role) });
  open.push(c);
  return c;
}

async function appCode(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await trpcError(promise);
  return (err.data as { appCode?: string } | undefined)?.appCode;
}

const connected = (server: TestServer, publicKey: string) => isConnected(server.url, publicKey);

/** The tRPC error a call failed with (it must fail). */
async function trpcError(promise: Promise<unknown>): Promise<TRPCClientError<never>> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCClientError);
  return err as TRPCClientError<never>;
}

function verifies(signature: Uint8Array, message: Uint8Array, key: TestKey): boolean {
  return verifier.verify(signature, message, Buffer.from(key.publicKey, 'hex'));
}

interface ReceivedRequest {
  requestId: string;
  message: Uint8Array;
}

/**
 * A typed signer driven by hand: attaches `key` through `c` and proves possession, then only
 * collects the requests it is sent; the test answers them (or not) with `c.signer.respond`.
 */
async function attachByHand(c: SigSocketClient, key: TestKey) {
  const requests: ReceivedRequest[] = [];
  let attached = false;
  let failure: unknown;
  const sub = c.signer.attach.subscribe(
    { publicKey: key.publicKey },
    {
      onData: (event) => {
        if (event.type === 'challenge') {
          const signature = b64(key.sign(base64Decode(event.challenge)));
          c.signer.prove
            .mutate({ attachId: event.attachId, signature })
            .catch((err: unknown) => (failure = err));
        } else if (event.type === 'attached') attached = true;
        else requests.push({ requestId: event.requestId, message: base64Decode(event.message) });
      },
      onError: (err) => (failure = err),
    },
  );
  await waitFor(() => attached || failure !== undefined, 'typed attachment');
  if (!attached) throw failure;
  let taken = 0;
  return {
    /** How many requests it has been sent so far. */
    get received(): number {
      return requests.length;
    },
    async next(): Promise<ReceivedRequest> {
      await waitFor(() => requests.length > taken, 'a sign request for the typed signer');
      return requests[taken++]!;
    },
    stop: () => sub.unsubscribe(),
  };
}

async function status(server: TestServer) {
  return (await getJson(server.url, '/status')) as {
    connections: number;
    legacy: number;
    typed: number;
  };
}

describe('typed signers and signer.sign', () => {
  it('serves typed and legacy signers through the same signer.sign and POST /sign', async () => {
    await using server = await startTestServer();
    const caller = await client(server, 'carol', 'coordinator');
    const signerClient = await client(server, 'wallet', 'participant');
    const typedKey = testKey();
    const legacyKey = testKey();
    const typed = runSigner({
      url: server.url,
      client: signerClient,
      secretKey: typedKey.secretKey,
    });
    const legacy = runLegacySigner({ url: server.url, secretKey: legacyKey.secretKey });
    await typed.ready();
    await waitFor(() => connected(server, legacyKey.publicKey), 'legacy registration');
    expect(await getJson(server.url, '/status')).toMatchObject({
      connections: 2,
      legacy: 1,
      typed: 1,
    });
    expect(typed.publicKey).toBe(typedKey.publicKey);

    for (const key of [typedKey, legacyKey]) {
      const message = new TextEncoder().encode(`hello ${key.publicKey.slice(0, 8)}`);
      const result = await caller.signer.sign.mutate({
        publicKey: key.publicKey,
        message: b64(message),
      });
      expect(base64Decode(result.message)).toEqual(message);
      expect(
        verifier.verify(base64Decode(result.signature), message, Buffer.from(key.publicKey, 'hex')),
      ).toBe(true);
    }
    // The HTTP twin reaches the typed signer too.
    const res = await fetch(`${server.url}/sign`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await server.token('carol', 'coordinator')}`,
      },
      body: JSON.stringify({ public_key: typedKey.publicKey, message: b64('via http') }),
    });
    expect(res.status).toBe(200);

    expect(await caller.signer.status.query()).toMatchObject({
      connections: 2,
      signers: 2,
      pending: 0,
    });
    expect(await caller.signer.connected.query({ publicKey: typedKey.publicKey })).toEqual({
      publicKey: typedKey.publicKey,
      connected: true,
    });
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
    const typed = runSigner({
      url: server.url,
      client: signerClient,
      secretKey: typedKey.secretKey,
      approve,
      refusalReason: 'not today',
    });
    const legacy = runLegacySigner({ url: server.url, secretKey: legacyKey.secretKey, approve });
    await typed.ready();
    await waitFor(() => connected(server, legacyKey.publicKey), 'legacy registration');

    const refused = caller.signer.sign.mutate({
      publicKey: typedKey.publicKey,
      message: b64('drain the account'),
    });
    expect(await appCode(refused)).toBe('SIGNER_REFUSED');
    await refused.catch((e: Error) => expect(e.message).toMatch(/not today/));
    const silent = caller.signer.sign.mutate({
      publicKey: legacyKey.publicKey,
      message: b64('drain it all'),
      timeoutMs: 300,
    });
    expect(await appCode(silent)).toBe('TIMEOUT');
    // The legacy signer was asked (it may still be reading the request when the caller times out).
    await waitFor(() => seen.length === 2, 'the legacy signer asked');
    expect(seen).toEqual(['drain the account', 'drain it all']);
    // Approved messages still go through.
    await caller.signer.sign.mutate({ publicKey: typedKey.publicKey, message: b64('pay 1') });
    await typed.stop();
    await legacy.stop();
  });

  it('checks the typed proof of possession', async () => {
    await using server = await startTestServer();
    const wallet = await client(server, 'wallet', 'participant');
    const intruder = await client(server, 'mallory', 'participant');
    const key = testKey();
    const events: AttachEvent[] = [];
    let ended: unknown;
    const sub = wallet.signer.attach.subscribe(
      { publicKey: key.publicKey },
      {
        onData: (e) => events.push(e),
        onError: (err) => (ended = err),
      },
    );
    await waitFor(() => events.length > 0, 'challenge');
    const challenge = events[0]!;
    if (challenge.type !== 'challenge') throw new Error('expected a challenge');
    // Another principal cannot answer this challenge.
    const goodProof = b64(key.sign(base64Decode(challenge.challenge)));
    expect(
      await appCode(
        intruder.signer.prove.mutate({ attachId: challenge.attachId, signature: goodProof }),
      ),
    ).toBe('NOT_FOUND');
    // A proof by another key fails, and ends the subscription.
    const badProof = b64(testKey().sign(base64Decode(challenge.challenge)));
    expect(
      await appCode(
        wallet.signer.prove.mutate({ attachId: challenge.attachId, signature: badProof }),
      ),
    ).toBe('INVALID_SIGNATURE');
    await waitFor(() => ended !== undefined, 'subscription error');
    expect((ended as TRPCClientError<never>).data).toMatchObject({ code: 'UNAUTHORIZED' });
    sub.unsubscribe();
    expect(await connected(server, key.publicKey)).toBe(false);
  });

  it('lets only the principal that attached a typed signer answer its request, even given the real id', async () => {
    await using server = await startTestServer();
    const caller = await client(server, 'carol', 'coordinator');
    const wallet = await client(server, 'wallet', 'participant');
    const mallory = await client(server, 'mallory', 'participant');
    const root = await client(server, 'root', 'admin');
    const key = testKey();
    const signer = await attachByHand(wallet, key);
    // Mallory holds an attached signer of her own: another subject and another signer.
    const mallorysSigner = await attachByHand(mallory, testKey());

    const message = text('pay mallory 100');
    const call = caller.signer.sign.mutate({ publicKey: key.publicKey, message: b64(message) });
    const { requestId, message: asked } = await signer.next();
    expect(asked).toEqual(message);
    // Even a signature that verifies is refused from anyone but the owner, and so is a refusal.
    const valid = b64(key.sign(message));
    for (const intruder of [mallory, caller, root]) {
      for (const attempt of [
        intruder.signer.respond.mutate({ requestId, signature: valid }),
        intruder.signer.respond.mutate({ requestId, refuse: { reason: 'hijacked' } }),
      ]) {
        const err = await trpcError(attempt);
        expect(err.data).toMatchObject({ code: 'NOT_FOUND', appCode: 'NOT_FOUND' });
        expect(err.message).toMatch(/no pending request with this id for you/);
      }
    }
    expect(mallorysSigner.received).toBe(0);
    expect(await caller.signer.status.query()).toMatchObject({ pending: 1 });

    // The owner's answer still completes the original call with a verified signature.
    expect(await wallet.signer.respond.mutate({ requestId, signature: valid })).toEqual({
      outcome: 'ok',
    });
    const result = await call;
    expect(base64Decode(result.message)).toEqual(message);
    expect(verifies(base64Decode(result.signature), message, key)).toBe(true);
    // The id is spent now, for the owner too.
    const again = await trpcError(wallet.signer.respond.mutate({ requestId, signature: valid }));
    expect(again.data).toMatchObject({ appCode: 'NOT_FOUND' });
    signer.stop();
    mallorysSigner.stop();
  });

  it.each(['on', 'off'])(
    'gives INVALID_SIGNATURE for a typed answer that does not verify, INVALID_RESPONSE for a malformed one (--verify-thread %s)',
    async (verifyThread) => {
      // Eight bad answers on one attachment: above the default --legacy-max-bad-answers (3).
      await using server = await startTestServer({ verifyThread, legacyMaxBadAnswers: 100 });
      const caller = await client(server, 'carol', 'coordinator');
      const wallet = await client(server, 'wallet', 'participant');
      const token = await server.token('carol', 'coordinator');
      const key = testKey();
      const signer = await attachByHand(wallet, key);
      const withRZero = (m: Uint8Array) => {
        const sig = key.sign(m).slice();
        sig.fill(0, 0, 32);
        return sig;
      };
      const cases: [string, (m: Uint8Array) => Uint8Array, string][] = [
        ["another key's signature", (m) => testKey().sign(m), 'INVALID_SIGNATURE'],
        [
          'a signature of another message',
          () => key.sign(text('something else')),
          'INVALID_SIGNATURE',
        ],
        [
          '20 bytes that are no signature encoding',
          () => new Uint8Array(20).fill(9),
          'INVALID_RESPONSE',
        ],
        ['a compact signature with r = 0', withRZero, 'INVALID_RESPONSE'],
      ];
      for (const [what, answer, code] of cases) {
        // The signer is told its answer was rejected, and so is the caller.
        const respond = async () => {
          const { requestId, message } = await signer.next();
          const err = await trpcError(
            wallet.signer.respond.mutate({ requestId, signature: b64(answer(message)) }),
          );
          expect(err.data, what).toMatchObject({ code: 'BAD_GATEWAY', appCode: code });
        };
        const viaTrpc = caller.signer.sign.mutate({
          publicKey: key.publicKey,
          message: b64(`trpc: ${what}`),
        });
        await respond();
        expect((await trpcError(viaTrpc)).data, what).toMatchObject({
          code: 'BAD_GATEWAY',
          appCode: code,
        });

        const viaHttp = postSign(
          server.url,
          { public_key: key.publicKey, message: b64(`http: ${what}`) },
          token,
        );
        await respond();
        expect(await viaHttp, what).toMatchObject({ status: 502, body: { code } });
      }
      // Still attached: a good answer goes through.
      const call = postSign(server.url, { public_key: key.publicKey, message: b64('fine') }, token);
      const { requestId, message } = await signer.next();
      await wallet.signer.respond.mutate({ requestId, signature: b64(key.sign(message)) });
      expect((await call).status).toBe(200);
      signer.stop();
    },
  );

  it('answers POST /sign with 502 SIGNER_REFUSED and the reason when a typed signer declines', async () => {
    await using server = await startTestServer();
    const wallet = await client(server, 'wallet', 'participant');
    const key = testKey();
    const seen: string[] = [];
    const typed = runSigner({
      url: server.url,
      client: wallet,
      secretKey: key.secretKey,
      approve: (m) => {
        seen.push(new TextDecoder().decode(m));
        return false;
      },
      refusalReason: 'not today',
    });
    await typed.ready();
    const token = await server.token('carol', 'coordinator');
    const result = await postSign(
      server.url,
      { public_key: key.publicKey, message: b64('drain the account') },
      token,
    );
    expect(result).toMatchObject({
      status: 502,
      body: { code: 'SIGNER_REFUSED', error: expect.stringMatching(/not today/) },
    });
    expect(seen).toEqual(['drain the account']);
    await typed.stop();
  });

  it('fails a pending request with SIGNER_DISCONNECTED when the typed signer goes away', async () => {
    await using server = await startTestServer();
    const caller = await client(server, 'carol', 'coordinator');
    const signerClient = await client(server, 'wallet', 'participant');
    const key = testKey();
    const typed = runSigner({
      url: server.url,
      client: signerClient,
      secretKey: key.secretKey,
      approve: () => new Promise(() => {}),
    });
    await typed.ready();
    const call = caller.signer.sign.mutate({
      publicKey: key.publicKey,
      message: b64('x'),
      timeoutMs: 60_000,
    });
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
    const forbidden = await participant.signer.sign
      .mutate(input)
      .catch((e: TRPCClientError<never>) => e);
    expect((forbidden as TRPCClientError<never>).data).toMatchObject({ code: 'FORBIDDEN' });
    const unauthorised = await anonymous.signer.sign
      .mutate(input)
      .catch((e: TRPCClientError<never>) => e);
    expect((unauthorised as TRPCClientError<never>).data).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('a typed and a legacy signer holding the same key', () => {
  /** One key, held by one connection of each kind. */
  async function expectBothKinds(server: TestServer) {
    expect(await getJson(server.url, '/status')).toMatchObject({
      connections: 2,
      signers: 1,
      legacy: 1,
      typed: 1,
    });
  }

  async function sign(server: TestServer, key: TestKey, message: string) {
    return postSign(
      server.url,
      { public_key: key.publicKey, message: b64(message) },
      await server.token('carol', 'coordinator'),
    );
  }

  it('sends requests to the typed one when it attached last, and to the legacy one after it drops', async () => {
    await using server = await startTestServer();
    const wallet = await client(server, 'wallet', 'participant');
    const key = testKey();
    const legacy = await connectLegacy(server, key);
    const typed = await attachByHand(wallet, key);
    await expectBothKinds(server);

    const first = sign(server, key, 'to the typed one');
    const request = await typed.next();
    await wallet.signer.respond.mutate({
      requestId: request.requestId,
      signature: b64(key.sign(request.message)),
    });
    expect(await first).toMatchObject({ status: 200 });
    expect(legacy.queued).toBe(0);

    // What is pending on it when it drops fails at once; it is not handed to the other signer.
    const stranded = sign(server, key, 'stranded');
    await typed.next();
    typed.stop();
    expect(await stranded).toMatchObject({ status: 502, body: { code: 'SIGNER_DISCONNECTED' } });
    await waitFor(async () => (await status(server)).typed === 0, 'typed signer gone');
    expect(legacy.queued).toBe(0);

    const second = sign(server, key, 'to the legacy one');
    const m = await legacy.next();
    expect(new TextDecoder().decode(m)).toBe('to the legacy one');
    legacy.respond(m, key.sign(m));
    const result = await second;
    expect(result.status).toBe(200);
    expect(verifies(base64Decode(result.body.signature!), m, key)).toBe(true);
    await legacy.close();
  });

  it('sends requests to the legacy one when it registered last, and to the typed one after it drops', async () => {
    await using server = await startTestServer();
    const wallet = await client(server, 'wallet', 'participant');
    const key = testKey();
    const typed = await attachByHand(wallet, key);
    const legacy = await connectLegacy(server, key);
    await expectBothKinds(server);

    const first = sign(server, key, 'to the legacy one');
    const m = await legacy.next();
    legacy.respond(m, key.sign(m));
    expect(await first).toMatchObject({ status: 200 });
    expect(typed.received).toBe(0);

    const stranded = sign(server, key, 'stranded');
    await legacy.next();
    legacy.ws.terminate();
    expect(await stranded).toMatchObject({ status: 502, body: { code: 'SIGNER_DISCONNECTED' } });
    await waitFor(async () => (await status(server)).legacy === 0, 'legacy signer gone');
    expect(typed.received).toBe(0);

    const second = sign(server, key, 'to the typed one');
    const request = await typed.next();
    expect(new TextDecoder().decode(request.message)).toBe('to the typed one');
    await wallet.signer.respond.mutate({
      requestId: request.requestId,
      signature: b64(key.sign(request.message)),
    });
    const result = await second;
    expect(result.status).toBe(200);
    expect(verifies(base64Decode(result.body.signature!), request.message, key)).toBe(true);
    typed.stop();
  });
});
