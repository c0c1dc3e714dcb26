/**
 * Legacy and typed signers that lie, against child-process servers (docs/signing.md, "Bad
 * answers" and "Proof of possession"): `--legacy-proof off` is announced; a holder whose answers
 * fail verification `--legacy-max-bad-answers` (3) times is closed and the route goes back to
 * the previous holder, which then serves; a proof answer made for one server is refused by
 * another; the reference signers do not sign a challenge naming another origin.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLegacySigner } from '../../client/signer/legacy.js';
import { runSigner } from '../../client/signer/typed.js';
import type { SignerEvent } from '../../client/signer/types.js';
import { closeClient, createClient } from '../../client/trpc.js';
import { defaultVerifier } from '../../protocol/ecdsa/verifier.js';
import { base64Decode, base64Encode } from '../../protocol/encoding.js';
import {
  b64,
  connectLegacy,
  getJson,
  isConnected,
  postSign,
  RawLegacyClient,
  testKey,
  waitFor,
  type TestKey,
} from '../support/signing.js';
import { startChildServer, type ChildServer } from './support/abuse-server.js';
import { expectResponsive, whileProbing } from './support/hardening.js';

const BAD_ANSWERS = 3;
const WARNING =
  'legacy proof of possession is off: any client that knows a public key can take its route';
const verifier = defaultVerifier();

const verifies = (signature: string | undefined, message: string, key: TestKey) =>
  verifier.verify(
    Buffer.from(signature ?? '', 'base64'),
    Buffer.from(message, 'base64'),
    Buffer.from(key.publicKey, 'hex'),
  );

let proofOff: ChildServer;
let proofOn: ChildServer;

beforeAll(async () => {
  [proofOff, proofOn] = await Promise.all([
    startChildServer(['--legacy-proof', 'off']),
    startChildServer(['--sign-timeout-ms', '3000']),
  ]);
  // One signed request each first, so the figures measure the abuse, not a cold start.
  for (const [server, proof] of [
    [proofOff, false],
    [proofOn, true],
  ] as const) {
    const key = testKey();
    const signer = await connectLegacy(server, key, { proof });
    const call = postSign(
      server.url,
      { public_key: key.publicKey, message: b64('warm-up') },
      await server.token('hl-warm', 'coordinator'),
    );
    const asked = await signer.next();
    signer.respond(asked, key.sign(asked));
    expect((await call).status).toBe(200);
    await signer.close();
  }
}, 90_000);

afterAll(async () => {
  await Promise.all([proofOff?.close(), proofOn?.close()]);
});

describe('--legacy-proof off', () => {
  it('logs a warning once at start and shows it in /status', async () => {
    const warnings = proofOff.process
      .output()
      .split('\n')
      .filter((line) => line.includes(WARNING));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"level":40');
    expect(await getJson(proofOff.url, '/status')).toMatchObject({
      publicUrl: proofOff.url,
      legacyProof: false,
      warnings: ['legacy-proof-off'],
    });
    expect(await getJson(proofOn.url, '/status')).toMatchObject({
      legacyProof: true,
      warnings: [],
    });
  }, 30_000);
});

/**
 * The impostor B (newest holder of `key`) answers BAD_ANSWERS requests with `wrong(message)`
 * while one more request waits on it: each answered request fails with INVALID_SIGNATURE, the
 * waiting one with SIGNER_DISCONNECTED, B is closed with 4403, and the next request reaches
 * the real signer A, whose signature verifies.
 */
async function impostorLosesTheRoute(
  server: ChildServer,
  key: TestKey,
  real: RawLegacyClient,
  impostor: RawLegacyClient,
  wrong: (message: Uint8Array) => Uint8Array,
  label: string,
): Promise<void> {
  const token = await server.token('hl-coord', 'coordinator');
  const before = server.counts();
  const probed = await whileProbing(server.url, async () => {
    const calls = Array.from({ length: BAD_ANSWERS + 1 }, (_, i) =>
      postSign(server.url, { public_key: key.publicKey, message: b64(`${label} ${i}`) }, token),
    );
    const asked: Uint8Array[] = [];
    for (let i = 0; i < calls.length; i++) asked.push(await impostor.next());
    for (const message of asked.slice(0, BAD_ANSWERS)) impostor.respond(message, wrong(message));
    return { answers: await Promise.all(calls), closed: await impostor.closed };
  });
  expectResponsive(probed, label);
  const { answers, closed } = probed.result;
  const codes = answers.map((a) => [a.status, (a.body as { code?: string }).code]);
  expect(codes.filter(([, code]) => code === 'INVALID_SIGNATURE')).toHaveLength(BAD_ANSWERS);
  expect(codes).toContainEqual([502, 'SIGNER_DISCONNECTED']);
  expect(closed).toEqual({ code: 4403, reason: `${BAD_ANSWERS} sign answers failed verification` });

  // The route is back with the real signer, which serves.
  expect(await isConnected(server.url, key.publicKey)).toBe(true);
  const message = b64(`${label} after`);
  const call = postSign(server.url, { public_key: key.publicKey, message }, token);
  const asked = await real.next();
  real.respond(asked, key.sign(asked));
  const served = await call;
  expect(served.status).toBe(200);
  expect(verifies(served.body.signature, message, key)).toBe(true);
  expect(server.counts()).toEqual(before);
  await server.expectHealthy();
}

describe('bad answers', () => {
  it('close an impostor (proof off) after 3, and the real signer serves again', async () => {
    const key = testKey();
    const real = await connectLegacy(proofOff, key, { proof: false });
    const impostor = await connectLegacy(proofOff, key, { proof: false });
    const stranger = testKey();
    await impostorLosesTheRoute(
      proofOff,
      key,
      real,
      impostor,
      (m) => stranger.sign(m),
      'impostor without proof',
    );
    await real.close();
  }, 90_000);

  it('close a proven holder of the real key that answers wrongly (proof on)', async () => {
    const key = testKey();
    const real = await connectLegacy(proofOn, key);
    const liar = await connectLegacy(proofOn, key);
    await impostorLosesTheRoute(
      proofOn,
      key,
      real,
      liar,
      (m) => key.sign(new Uint8Array([...m, 1])), // the right key, another message
      'proven holder answering wrongly',
    );
    await real.close();
  }, 90_000);

  it('end a typed attachment after 3 with INVALID_SIGNATURE, and the legacy holder serves', async () => {
    const key = testKey();
    const real = await connectLegacy(proofOn, key);
    const wallet = createClient({
      url: proofOn.url,
      token: await proofOn.token('hl-wallet', 'participant'),
    });
    try {
      const requests: { requestId: string; message: Uint8Array }[] = [];
      let attached = false;
      let ended: unknown;
      const sub = wallet.signer.attach.subscribe(
        { publicKey: key.publicKey },
        {
          onData: (event) => {
            if (event.type === 'challenge') {
              const signature = b64(key.sign(base64Decode(event.challenge)));
              void wallet.signer.prove.mutate({ attachId: event.attachId, signature });
            } else if (event.type === 'attached') attached = true;
            else
              requests.push({ requestId: event.requestId, message: base64Decode(event.message) });
          },
          onError: (err) => (ended = err),
        },
      );
      await waitFor(() => attached, 'typed attachment');
      const token = await proofOn.token('hl-coord', 'coordinator');
      const before = proofOn.counts();
      const probed = await whileProbing(proofOn.url, async () => {
        const calls = Array.from({ length: BAD_ANSWERS }, (_, i) =>
          postSign(proofOn.url, { public_key: key.publicKey, message: b64(`typed ${i}`) }, token),
        );
        await waitFor(() => requests.length === BAD_ANSWERS, 'requests on the typed signer');
        const responds = requests.map(({ requestId, message }) =>
          wallet.signer.respond
            .mutate({ requestId, signature: base64Encode(testKey().sign(message)) })
            .then(
              () => 'ok',
              (err: TRPCClientError<never>) =>
                (err.data as unknown as { appCode?: string }).appCode,
            ),
        );
        return { answers: await Promise.all(calls), responds: await Promise.all(responds) };
      });
      expectResponsive(probed, 'typed signer answering wrongly');
      expect(probed.result.answers.map((a) => a.status)).toEqual([502, 502, 502]);
      expect(probed.result.responds).toEqual(Array(BAD_ANSWERS).fill('INVALID_SIGNATURE'));
      await waitFor(() => ended !== undefined, 'the attach stream to end');
      expect((ended as TRPCClientError<never>).data).toMatchObject({
        appCode: 'INVALID_SIGNATURE',
      });
      sub.unsubscribe();

      const message = b64('typed after');
      const call = postSign(proofOn.url, { public_key: key.publicKey, message }, token);
      const asked = await real.next();
      real.respond(asked, key.sign(asked));
      const served = await call;
      expect(served.status).toBe(200);
      expect(verifies(served.body.signature, message, key)).toBe(true);
      expect(proofOn.counts()).toEqual(before);
    } finally {
      await closeClient(wallet);
      await real.close();
    }
  }, 90_000);
});

describe('proof of possession bound to the server', () => {
  it('a proof answer made for one server is refused by another (4401)', async () => {
    const key = testKey();
    const atX = new RawLegacyClient(proofOn.wsUrl);
    const atY = new RawLegacyClient(proofOn.wsUrl); // a second connection to the same server
    await Promise.all([atX.opened, atY.opened]);
    atX.send(key.publicKey);
    atY.send(key.publicKey);
    const [challengeX, challengeY] = await Promise.all([atX.next(), atY.next()]);
    expect(Buffer.from(challengeX).toString()).toContain(`sigsocket-proof:${proofOn.url}:`);
    await atX.close();
    atY.respond(challengeY, key.sign(challengeY)); // its own challenge: accepted
    await waitFor(() => isConnected(proofOn.url, key.publicKey), 'registration');
    await atY.close();
    // Y is another deployment: a second server with proof on.
    const other = await startChildServer();
    try {
      const atOther = new RawLegacyClient(other.wsUrl);
      await atOther.opened;
      atOther.send(key.publicKey);
      const challengeOther = await atOther.next();
      expect(Buffer.from(challengeOther).toString()).toContain(`sigsocket-proof:${other.url}:`);
      // The answer captured from the first server, replayed to the other: refused.
      atOther.respond(challengeX, key.sign(challengeX));
      expect((await atOther.closed).code).toBe(4401);
      expect(await isConnected(other.url, key.publicKey)).toBe(false);
      await other.expectHealthy();
    } finally {
      await other.close();
    }
  }, 90_000);

  it('the reference signers refuse a challenge naming another origin, and accept their own', async () => {
    // A server whose challenges name another deployment, as one relaying that deployment's
    // challenges to take a key's route there would send them.
    const relay = await startChildServer(['--public-url', 'https://other.example:8443']);
    const wallet = createClient({
      url: relay.url,
      token: await relay.token('hl-w', 'participant'),
    });
    const events: { legacy: SignerEvent[]; typed: SignerEvent[] } = { legacy: [], typed: [] };
    const key = testKey();
    const legacy = runLegacySigner({
      url: relay.url,
      secretKey: key.secretKey,
      onEvent: (e) => events.legacy.push(e),
    });
    const typed = runSigner({
      url: relay.url,
      client: wallet,
      secretKey: key.secretKey,
      onEvent: (e) => events.typed.push(e),
    });
    try {
      expect(await getJson(relay.url, '/status')).toMatchObject({
        publicUrl: 'https://other.example:8443',
      });
      for (const kind of ['legacy', 'typed'] as const) {
        await waitFor(() => events[kind].some((e) => e.type === 'gave_up'), `${kind} gives up`);
        expect(events[kind].find((e) => e.type === 'gave_up')).toEqual({
          type: 'gave_up',
          message:
            'not signing the proof challenge: the proof challenge is for https://other.example:8443, ' +
            `not for ${relay.url} (the server this signer connected to)`,
        });
      }
      expect(await isConnected(relay.url, key.publicKey)).toBe(false);
    } finally {
      await Promise.all([legacy.stop(), typed.stop()]);
      await closeClient(wallet);
      await relay.close();
    }

    // Given the URL of the server that challenges them, both attach and sign.
    const own = createClient({
      url: proofOn.url,
      token: await proofOn.token('hl-w2', 'participant'),
    });
    const legacyKey = testKey();
    const typedKey = testKey();
    const okLegacy = runLegacySigner({ url: proofOn.url, secretKey: legacyKey.secretKey });
    const okTyped = runSigner({ url: proofOn.url, client: own, secretKey: typedKey.secretKey });
    try {
      await okTyped.ready();
      await waitFor(() => isConnected(proofOn.url, legacyKey.publicKey), 'legacy registration');
      const token = await proofOn.token('hl-coord', 'coordinator');
      for (const k of [legacyKey, typedKey]) {
        const message = b64('own origin');
        const res = await postSign(proofOn.url, { public_key: k.publicKey, message }, token);
        expect(res.status).toBe(200);
        expect(verifies(res.body.signature, message, k)).toBe(true);
      }
    } finally {
      await Promise.all([okLegacy.stop(), okTyped.stop()]);
      await closeClient(own);
    }
  }, 90_000);
});
