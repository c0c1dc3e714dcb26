// The legacy adapter matches an answer whose echo is the very text it sent without decoding
// that echo (server/signing/legacy-adapter.ts, respondCanonical); every other frame goes
// through the full parser. The outcome of each frame — which request it answers, the HTTP
// answer, the protocol error it counts and of which kind — must be the one the full parser
// alone gives: here that parser (protocol/legacy.ts) is the oracle for each frame sent.
import { describe, expect, it } from 'vitest';
import { base64Encode } from '../../protocol/encoding.js';
import { parseSignResponse } from '../../protocol/legacy.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  b64,
  connectLegacy,
  postSign,
  testKey,
  toDer,
  type RawLegacyClient,
  type TestKey,
} from '../support/signing.js';

type Outcome = 'answers' | 'malformed_response' | 'unmatched_response';

/** What the full parser makes of `frame` while `pendingKey` (canonical base64) waits. */
function oracle(frame: string, pendingKey: string): Outcome {
  let echoed: Uint8Array;
  try {
    echoed = parseSignResponse(frame).message;
  } catch {
    return 'malformed_response';
  }
  return base64Encode(echoed) === pendingKey ? 'answers' : 'unmatched_response';
}

async function protocolErrors(server: TestServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, kind, n] of text.matchAll(
    /^sigsocket_protocol_errors_total\{kind="(\w+)"\} (\d+)$/gm,
  ))
    counts[kind!] = Number(n);
  return counts;
}

interface Fixture {
  server: TestServer;
  key: TestKey;
  signer: RawLegacyClient;
  token: string;
}

async function fixture(): Promise<Fixture> {
  // Mutated signatures that still decode are bad answers: keep the signer connected anyway.
  const server = await startTestServer({ legacyMaxBadAnswers: 1000 });
  const key = testKey();
  const signer = await connectLegacy(server, key);
  return { server, key, signer, token: await server.token('carol', 'coordinator') };
}

/**
 * Sends `frame` (made from the pending message and a valid signature for it) while one request
 * waits, then answers the request properly if the frame did not. Returns what happened: the
 * outcome seen, and the request's HTTP status.
 */
async function trial(
  f: Fixture,
  message: Uint8Array,
  frameFor: (message: Uint8Array, signature: Uint8Array) => string,
): Promise<{ expected: Outcome; seen: Outcome; status: number; frame: string }> {
  const before = await protocolErrors(f.server);
  const call = postSign(
    f.server.url,
    { public_key: f.key.publicKey, message: b64(message) },
    f.token,
  );
  const asked = await f.signer.next();
  expect(asked).toEqual(message);
  const frame = frameFor(message, f.key.sign(message));
  const expected = oracle(frame, base64Encode(message));
  let settled = false;
  void call.then(() => (settled = true));
  f.signer.send(frame);
  // Either the frame answered the request (it settles) or it counted a protocol error.
  let seen: Outcome | undefined;
  while (seen === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const after = await protocolErrors(f.server);
    seen = (['malformed_response', 'unmatched_response'] as const).find(
      (k) => (after[k] ?? 0) > (before[k] ?? 0),
    );
    if (seen === undefined && settled) seen = 'answers';
  }
  // A frame that answered nothing leaves the request waiting for a proper answer.
  if (seen !== 'answers') f.signer.respond(message, f.key.sign(message));
  const { status } = await call;
  const after = await protocolErrors(f.server);
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  // Exactly one protocol error for a frame that answered nothing, none otherwise.
  expect(total(after) - total(before), frame).toBe(seen === 'answers' ? 0 : 1);
  return { expected, seen, status, frame };
}

// 0xfb 0xff: standard base64 `+/8=`, so the alphabet and the padding can both be varied.
const AWKWARD = new Uint8Array([0xfb, 0xff, 0xfe, 0xfb, 0xff]);

describe('legacy answers: the echo fast path agrees with the full parser', () => {
  it('decides every kind of frame as the full parser does', async () => {
    const f = await fixture();
    await using _ = f.server;
    const std = (m: Uint8Array) => base64Encode(m);
    const urlSafe = (m: Uint8Array) => std(m).replace(/\+/g, '-').replace(/\//g, '_');
    const frames: [string, Uint8Array, (m: Uint8Array, s: Uint8Array) => string, number][] = [
      ['canonical echo', AWKWARD, (m, s) => `${std(m)}.${std(s)}`, 200],
      ['canonical echo, DER signature', AWKWARD, (m, s) => `${std(m)}.${std(toDer(s))}`, 200],
      ['echo without padding', AWKWARD, (m, s) => `${std(m).replace(/=+$/, '')}.${std(s)}`, 200],
      ['URL-safe echo', AWKWARD, (m, s) => `${urlSafe(m)}.${std(s)}`, 200],
      [
        'URL-safe unpadded signature',
        AWKWARD,
        (m, s) => `${std(m)}.${urlSafe(s).replace(/=+$/, '')}`,
        200,
      ],
      ['another message echoed', AWKWARD, (_m, s) => `${b64('other')}.${std(s)}`, 200],
      ['extra dot at the end', AWKWARD, (m, s) => `${std(m)}.${std(s)}.`, 200],
      ['two dots between', AWKWARD, (m, s) => `${std(m)}..${std(s)}`, 200],
      ['three parts', AWKWARD, (m, s) => `${std(m)}.${std(s)}.${std(s)}`, 200],
      ['empty signature', AWKWARD, (m) => `${std(m)}.`, 200],
      ['empty echo', AWKWARD, (_m, s) => `.${std(s)}`, 200],
      ['no dot', AWKWARD, (m) => std(m), 200],
      ['signature not base64', AWKWARD, (m) => `${std(m)}.!!!!`, 200],
      ['signature with a bad length', AWKWARD, (m, s) => `${std(m)}.${std(s).slice(1)}`, 200],
      ['echo not base64', AWKWARD, (_m, s) => `+/8.${std(s)}`, 200],
      ['echo with whitespace', AWKWARD, (m, s) => ` ${std(m)}.${std(s)}`, 200],
      ['garbage', AWKWARD, () => 'garbage', 200],
      // Decodes, matches, and fails verification: the request's own error, no protocol error.
      [
        'canonical echo, junk signature',
        AWKWARD,
        (m) => `${std(m)}.${std(new Uint8Array(20))}`,
        502,
      ],
      ['canonical echo, wrong key', AWKWARD, (m) => `${std(m)}.${std(testKey().sign(m))}`, 502],
    ];
    for (const [name, message, frameFor, status] of frames) {
      const result = await trial(f, message, frameFor);
      expect(result.seen, name).toBe(result.expected);
      expect(result.status, name).toBe(status);
    }
  });

  it('agrees on frames mutated at random from valid answers', async () => {
    const f = await fixture();
    await using _ = f.server;
    // A fixed sequence (a linear congruential generator), so a failure can be replayed.
    let seed = 12;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = 'AZaz09+/-_=.!';
    const tally: Record<Outcome, number> = {
      answers: 0,
      malformed_response: 0,
      unmatched_response: 0,
    };
    for (let i = 0; i < 60; i++) {
      const message = new Uint8Array(1 + next(12)).map(() => next(256));
      const result = await trial(f, message, (m, s) => {
        const chars = [...`${base64Encode(m)}.${base64Encode(s)}`];
        const at = next(chars.length);
        const edit = next(3);
        if (edit === 0) chars[at] = alphabet[next(alphabet.length)]!;
        else if (edit === 1) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[next(alphabet.length)]!);
        return chars.join('');
      });
      expect(result.seen, result.frame).toBe(result.expected);
      tally[result.expected]++;
    }
    // The mutations reached every outcome (else this test would prove little).
    expect(
      Object.values(tally).every((n) => n > 0),
      JSON.stringify(tally),
    ).toBe(true);
  });

  it('resets the run of protocol errors on an answer taken by the fast path', async () => {
    const f = await fixture();
    await using _ = f.server;
    const message = new Uint8Array([1, 2, 3]);
    for (let round = 0; round < 2; round++) {
      // Four errors in a row (the fifth would close the connection), then a canonical answer.
      for (let i = 0; i < 4; i++) f.signer.send('garbage');
      const result = await trial(f, message, (m, s) => `${base64Encode(m)}.${base64Encode(s)}`);
      expect(result).toMatchObject({ expected: 'answers', status: 200 });
    }
    expect(f.signer.ws.readyState).toBe(f.signer.ws.OPEN);
    expect(await protocolErrors(f.server)).toEqual({ malformed_response: 8 });
  });
});
