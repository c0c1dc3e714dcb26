// POST /sign reads a body that is already buffered when the handler runs without waiting for
// it (server/http/json.ts); a body still on its way is streamed. Each case is sent both ways
// over real loopback HTTP — in one write, and head first then the body in pieces with pauses —
// and must get the same answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxMessageBytes, signBodyLimit } from '../../server/signing/limits.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { b64, connectLegacy, getJson, testKey, type TestKey } from '../support/signing.js';
import { chunked, RawHttpConnection, signHead, type RawResponse } from './support/raw-http.js';

const MAX_FRAME_BYTES = 4096;
/** 8,092 bytes: below the 16 KiB a request stream buffers, so a whole body can be waiting. */
const LIMIT = signBodyLimit(maxMessageBytes(MAX_FRAME_BYTES));

let server: TestServer;
let key: TestKey;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ maxFrameBytes: MAX_FRAME_BYTES });
  key = testKey();
  const signer = await connectLegacy(server, key);
  void (async () => {
    for (;;) {
      const m = await signer.next();
      signer.respond(m, key.sign(m));
    }
  })();
  token = await server.token('carol', 'coordinator');
});
afterAll(() => server?.[Symbol.asyncDispose]());

const signBody = (text: string) =>
  JSON.stringify({ public_key: key.publicKey, message: b64(text) });
/** Valid JSON of exactly `size` bytes (a body the schema refuses, which is not the point). */
const paddedJson = (size: number) => JSON.stringify({ pad: 'x'.repeat(size - 10) });

interface Case {
  name: string;
  /** Head and body, in the pieces they are sent in when streamed. */
  pieces: () => (string | Buffer)[];
  expected: { status: number; code?: string; error?: RegExp };
}

const withLength = (body: string): (string | Buffer)[] => [
  signHead(token, { contentLength: Buffer.byteLength(body) }),
  ...thirds(body),
];
const withChunks = (body: string): (string | Buffer)[] => [
  signHead(token, 'chunked'),
  ...chunked(body, Math.max(1, Math.ceil(body.length / 3))),
];
function thirds(body: string): string[] {
  if (body.length < 3) return [body];
  const third = Math.ceil(body.length / 3);
  return [body.slice(0, third), body.slice(third, 2 * third), body.slice(2 * third)];
}

const cases: Case[] = [
  {
    name: 'a valid body with Content-Length',
    pieces: () => withLength(signBody('length')),
    expected: { status: 200 },
  },
  {
    name: 'a valid chunked body',
    pieces: () => withChunks(signBody('chunks')),
    expected: { status: 200 },
  },
  {
    name: 'an empty body (Content-Length: 0)',
    pieces: () => withLength(''),
    expected: { status: 400, code: 'BAD_REQUEST', error: /not valid JSON/ },
  },
  {
    name: 'an empty chunked body',
    pieces: () => [signHead(token, 'chunked'), '0\r\n\r\n'],
    expected: { status: 400, code: 'BAD_REQUEST', error: /not valid JSON/ },
  },
  {
    name: 'invalid JSON with Content-Length',
    pieces: () => withLength('{"public_key": '),
    expected: { status: 400, code: 'BAD_REQUEST', error: /not valid JSON/ },
  },
  {
    name: 'invalid JSON, chunked',
    pieces: () => withChunks('{"public_key": '),
    expected: { status: 400, code: 'BAD_REQUEST', error: /not valid JSON/ },
  },
  {
    name: 'JSON that is not a sign request',
    pieces: () => withLength('[1, 2]'),
    expected: { status: 400, code: 'BAD_REQUEST', error: /invalid request body/ },
  },
  {
    name: 'exactly the limit (valid JSON, read and refused by the schema)',
    pieces: () => withLength(paddedJson(LIMIT)),
    expected: { status: 400, code: 'BAD_REQUEST', error: /invalid request body/ },
  },
  {
    name: 'one byte over the limit, declared',
    pieces: () => withLength(paddedJson(LIMIT + 1)),
    expected: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  },
  {
    name: 'one byte over the limit, chunked',
    pieces: () => withChunks(paddedJson(LIMIT + 1)),
    expected: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  },
  {
    name: 'far over the limit, chunked (more than a stream buffers)',
    pieces: () => withChunks(paddedJson(40_000)),
    expected: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  },
];

async function exchange(pieces: (string | Buffer)[], pauseMs: number): Promise<RawResponse> {
  const connection = new RawHttpConnection(server.url);
  try {
    await connection.send(pieces, pauseMs);
    return await connection.response();
  } finally {
    connection.destroy();
  }
}

function summary(response: RawResponse): { status: number; code?: string; error?: string } {
  const body = JSON.parse(response.body) as { code?: string; error?: string };
  return { status: response.status, code: body.code, error: body.error };
}

describe('POST /sign bodies, buffered or streamed', () => {
  it.each(cases)('answers $name the same in one write and in pieces', async (c) => {
    const buffered = await exchange(c.pieces(), 0);
    const streamed = await exchange(c.pieces(), 30);
    expect(buffered.status).toBe(c.expected.status);
    if (c.expected.code) expect(JSON.parse(buffered.body).code).toBe(c.expected.code);
    if (c.expected.error) expect(JSON.parse(buffered.body).error).toMatch(c.expected.error);
    if (c.expected.status === 200) {
      // The signatures differ (they are signed anew); the shape and the echo do not.
      const [a, b] = [buffered, streamed].map((r) => JSON.parse(r.body) as { response: string });
      expect(Object.keys(a!)).toEqual(['response', 'signature']);
      expect(streamed.status).toBe(200);
      expect(Object.keys(b!)).toEqual(['response', 'signature']);
    } else {
      expect(summary(streamed)).toEqual(summary(buffered));
    }
  });

  it('keeps a keep-alive connection serving after each kind of answer', async () => {
    const connection = new RawHttpConnection(server.url);
    try {
      const sequence: [(string | Buffer)[], number][] = [
        [withLength('{"public_key": '), 400],
        [withLength(signBody('first')), 200],
        [[signHead(token, 'chunked'), '0\r\n\r\n'], 400],
        [withChunks(signBody('second')), 200],
        [withChunks(paddedJson(LIMIT + 1)), 413],
        [withLength(''), 400],
        [withLength(signBody('third')), 200],
      ];
      for (const [pieces, status] of sequence) {
        await connection.send(pieces);
        expect((await connection.response()).status).toBe(status);
      }
      // Pipelined: two requests in one write, answered in order.
      await connection.send([...withLength(signBody('fourth')), ...withLength('nope')]);
      expect((await connection.response()).status).toBe(200);
      expect((await connection.response()).status).toBe(400);
    } finally {
      connection.destroy();
    }
  });

  it.each([
    ['in one write', 0],
    ['in pieces', 30],
  ])('survives a request cut off in the middle of its body (%s)', async (_, pauseMs) => {
    const body = signBody('never finished');
    const connection = new RawHttpConnection(server.url);
    await connection.send(
      [signHead(token, { contentLength: body.length }), body.slice(0, 20)],
      pauseMs,
    );
    // Wait until the server has the head (it answers nothing yet), then cut the connection.
    await new Promise((resolve) => setTimeout(resolve, 50));
    connection.destroy();
    // Nothing was asked of the signer, and the server serves the next caller.
    expect(await getJson(server.url, '/status')).toMatchObject({ pending: 0 });
    expect(await exchange(withLength(signBody('after the cut')), 0)).toMatchObject({
      status: 200,
    });
  });
});
