/**
 * Malformed frames on the legacy `/ws` protocol (docs/signing.md §1), against a child-process server:
 * random introductions (strings, bytes, truncated base64 and hex of keys, invalid UTF-8) are
 * closed with 4400 and a reason; after registration, any amount of junk between valid answers
 * is counted exactly and never stops the signer from serving, and five in a row close it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64Encode } from '../../protocol/encoding.js';
import { parseIntroduction } from '../../protocol/legacy.js';
import { b64, connectLegacy, postSign, RawLegacyClient, testKey } from '../support/signing.js';
import { Figures } from './support/abuse-figures.js';
import { startChildServer, type ChildServer, type RowCounts } from './support/abuse-server.js';

const INTRODUCTIONS = 250;
const SERVING_ROUNDS = 120;
const MAX_FRAME = 65_536;

let server: ChildServer;
let before: RowCounts;

beforeAll(async () => {
  server = await startChildServer();
  before = server.counts();
}, 60_000);

const figures = new Figures('fuzz-legacy');

afterAll(async () => {
  figures.print();
  await server?.close();
});

async function protocolErrors(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const counts = [...text.matchAll(/^sigsocket_protocol_errors_total\{[^}]*\} (\d+)$/gm)];
  return counts.reduce((sum, m) => sum + Number(m[1]), 0);
}

type Frame = { text: string } | { bytes: Uint8Array; binary: boolean };

const send = (client: RawLegacyClient, frame: Frame) =>
  'text' in frame ? client.send(frame.text) : client.ws.send(frame.bytes, { binary: frame.binary });

const describeFrame = (frame: Frame) =>
  'text' in frame ? JSON.stringify(frame.text.slice(0, 120)) : `${frame.bytes.length} bytes`;

/** A key's encodings, cut short anywhere. */
const truncatedKey = fc
  .tuple(fc.constantFrom('hex', 'base64', 'base64url'), fc.boolean(), fc.nat())
  .map(([encoding, compressed, cut]) => {
    const key = Buffer.from(testKey().publicKey, 'hex');
    const bytes = compressed ? key : Buffer.concat([key, Buffer.alloc(32, 1)]);
    const text = bytes.toString(encoding as BufferEncoding);
    return text.slice(0, cut % text.length);
  });

const introduction: fc.Arbitrary<Frame> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ text })),
  truncatedKey.map((text) => ({ text })),
  fc.uint8Array({ minLength: 33, maxLength: 33 }).map((b) => ({ text: base64Encode(b) })), // off-curve, mostly
  fc
    .string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 140 })
    .map((text) => ({ text })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes, binary: true })),
  fc.constantFrom(
    { bytes: new Uint8Array([0xc3, 0x28]), binary: false },
    { bytes: new Uint8Array([0xff]), binary: false },
  ),
);

describe('legacy /ws introductions', () => {
  it('closes every connection whose first frame is not a valid key with 4400 and a reason', async () => {
    await fc.assert(
      fc.asyncProperty(introduction, async (frame) => {
        const client = new RawLegacyClient(server.wsUrl);
        await client.opened;
        send(client, frame);
        figures.add('introductions');
        const what = describeFrame(frame);
        if ('text' in frame && isKey(frame.text)) {
          await client.next(); // a valid key after all: the proof challenge comes
          await client.close();
          return;
        }
        const closed = await client.closed;
        if ('bytes' in frame && !frame.binary) {
          expect(closed.code, what).toBe(1007); // invalid UTF-8, refused by ws itself
        } else {
          expect(closed.code, what).toBe(4400);
          expect(closed.reason.length, what).toBeGreaterThan(0);
        }
      }),
      { numRuns: INTRODUCTIONS },
    );
    await server.expectHealthy();
  }, 60_000);
});

function isKey(text: string): boolean {
  try {
    parseIntroduction(text);
    return true;
  } catch {
    return false;
  }
}

/** Frames a registered signer may send that answer nothing: each is one protocol error. */
const junk: fc.Arbitrary<Frame> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text })),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({ bytes, binary: true })),
  // A well-formed answer to a message nobody asked for, whole or cut short.
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat()).map(([m, cut]) => {
    const text = `${base64Encode(m)}.${base64Encode(testKey().sign(m))}`;
    return { text: cut % 2 === 0 ? text : text.slice(0, cut % text.length) };
  }),
  // Huge but under the frame limit.
  fc
    .integer({ min: MAX_FRAME - 2_000, max: MAX_FRAME - 1 })
    .map((size) => ({ text: 'A'.repeat(size) })),
  fc.constantFrom({ text: '.' }, { text: 'a.b.c' }, { text: '===.===' }, { text: '' }),
);

describe('legacy /ws frames after registration', () => {
  it('counts each junk frame, and a valid answer in between keeps the signer serving', async () => {
    const key = testKey();
    const token = await server.token('fz-coord', 'coordinator');
    const signer = await connectLegacy(server, key);
    const errorsBefore = await protocolErrors();
    let sent = 0;
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(junk, { minLength: 1, maxLength: 4 }), async (frames) => {
        const message = b64(`request ${round++}`);
        const call = postSign(server.url, { public_key: key.publicKey, message }, token);
        const asked = await signer.next();
        for (const frame of frames) send(signer, frame);
        sent += frames.length;
        figures.add('junk frames between answers', frames.length);
        signer.respond(asked, key.sign(asked));
        const answer = await call;
        expect(answer.status, frames.map(describeFrame).join(', ')).toBe(200);
        expect(answer.body.response).toBe(message);
      }),
      { numRuns: SERVING_ROUNDS },
    );
    expect(await protocolErrors()).toBe(errorsBefore + sent);
    expect(signer.ws.readyState).toBe(signer.ws.OPEN);

    for (let i = 0; i < 5; i++) signer.send(`junk ${i}`);
    figures.add('junk frames in a row', 5);
    const closed = await signer.closed;
    expect(closed).toMatchObject({ code: 4402 });
    expect(closed.reason).toMatch(/5 protocol errors in a row/);
  }, 60_000);

  it('left the server up, with no state changed', async () => {
    await server.expectHealthy();
    expect(server.counts()).toEqual(before);
  });
});
