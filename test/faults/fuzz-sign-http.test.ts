/**
 * Malformed HTTP for the single-key endpoints (docs/signing.md §2): random and near-miss `POST /sign`
 * bodies, bodies that are not JSON, wrong content types, junk tokens, random paths and
 * methods. Every answer is a JSON `{ error, code }` with the status of its code; the server (a
 * child process) stays up and no state changes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, isErrorCode } from '../../protocol/errors.js';
import { SignHttpBodySchema } from '../../protocol/signer-schemas.js';
import { serveOptions } from '../../server/config.js';
import { maxMessageBytes, signBodyLimit } from '../../server/signing/limits.js';
import { b64, testKey } from '../support/signing.js';
import { Figures } from './support/abuse-figures.js';
import { rawRequest, UPGRADE_HEADERS } from './support/abuse-http.js';
import { junkValue, nearMiss } from './support/abuse-procedures.js';
import { startChildServer, type ChildServer, type RowCounts } from './support/abuse-server.js';

const RUNS = 300;
/** The child server runs with the default frame limit, hence this body limit. */
const BODY_LIMIT = signBodyLimit(maxMessageBytes(Number(serveOptions.maxFrameBytes.default)));

let server: ChildServer;
let token: string;
let before: RowCounts;

beforeAll(async () => {
  // Over a thousand POST /sign from one principal, by design over --rate-limit (hardening-rate
  // tests the limit on POST /sign).
  server = await startChildServer(['--rate-limit', '1000000', '--rate-burst', '1000000']);
  token = await server.token('fz-coord', 'coordinator');
  before = server.counts();
}, 60_000);

const figures = new Figures('fuzz-sign-http');

afterAll(async () => {
  figures.print();
  await server?.close();
});

interface Reply {
  status: number;
  body: { error?: unknown; code?: unknown };
}

async function request(path: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(`${server.url}${path}`, init);
  const text = await res.text();
  let body: Reply['body'];
  try {
    body = JSON.parse(text) as Reply['body'];
  } catch {
    throw new Error(
      `${init.method ?? 'GET'} ${path}: ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  return { status: res.status, body };
}

function postSign(body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Reply> {
  return request('/sign', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

/** `{ error: text, code: CODE }` with the status of CODE, one of `allowed`. */
function expectRefusal(reply: Reply, allowed: string[], what: string): void {
  const { error, code } = reply.body;
  expect(typeof error === 'string' && error.length > 0, `${what}: ${JSON.stringify(reply)}`).toBe(
    true,
  );
  expect(allowed, `${what}: ${JSON.stringify(reply)}`).toContain(code);
  expect(isErrorCode(code) && errorCodes[code].http).toBe(reply.status);
}

// Keys nobody holds, messages of every size the schema allows: valid requests end in 404.
const keys = Array.from({ length: 3 }, () => testKey().publicKey);
const pool = [
  ...keys,
  b64('hello'),
  b64(new Uint8Array(49_078)),
  b64('sigsocket-proof:x'),
  1,
  60_000,
];

describe('POST /sign with malformed bodies', () => {
  it('answers random and near-miss JSON with 400 naming the field, valid ones with 404, huge ones with 413', async () => {
    const bodies = fc.oneof(fc.jsonValue({ maxDepth: 3 }), nearMiss(SignHttpBodySchema, pool));
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const json = JSON.stringify(body);
        const what = json.slice(0, 200);
        figures.add('POST /sign JSON bodies');
        const reply = await postSign(json);
        // Near misses can combine two large pool values: over the limit the body is never read.
        if (Buffer.byteLength(json) > BODY_LIMIT) {
          return expectRefusal(reply, ['PAYLOAD_TOO_LARGE'], what);
        }
        if (SignHttpBodySchema.safeParse(body).success) {
          // Valid shape: a bad key, a message too large or reserved (400), or nobody holds it.
          return expectRefusal(reply, ['BAD_REQUEST', 'SIGNER_NOT_CONNECTED'], what);
        }
        expectRefusal(reply, ['BAD_REQUEST'], what);
        expect(reply.body.error, what).toMatch(/^invalid request body: /);
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('answers bytes that are not JSON, and huge-but-allowed bodies, with 400', async () => {
    const raw = fc.oneof(
      fc.uint8Array({ maxLength: 2_000 }),
      fc.string({ unit: 'binary', maxLength: 2_000 }).map((s) => new TextEncoder().encode(s)),
      fc
        .integer({ min: 30_000, max: BODY_LIMIT - '{"message":"'.length })
        .map((size) => new TextEncoder().encode('{"message":"' + 'A'.repeat(size))),
      fc
        .constantFrom('', '{', '{"public_key":', 'null', '[]', '"x"', '{"public_key":1e999}')
        .map((s) => new TextEncoder().encode(s)),
    );
    await fc.assert(
      fc.asyncProperty(raw, async (bytes) => {
        figures.add('POST /sign raw bodies');
        expectRefusal(await postSign(bytes), ['BAD_REQUEST'], `${bytes.length} raw bytes`);
      }),
      { numRuns: RUNS },
    );
    const tooLarge = await postSign(JSON.stringify({ message: 'A'.repeat(BODY_LIMIT) }));
    expectRefusal(tooLarge, ['PAYLOAD_TOO_LARGE'], 'body over the limit');
  }, 60_000);

  it('refuses a body that is not declared as JSON with 400', async () => {
    const body = JSON.stringify({ public_key: keys[0], message: b64('hi') });
    const types = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'json',
        'application/jsonp',
      ),
      fc.string({ maxLength: 40 }).filter((t) => !/^application\/json\b/i.test(t)),
    );
    await fc.assert(
      fc.asyncProperty(types, async (type) => {
        figures.add('POST /sign content types');
        const reply = await postSign(body, { 'content-type': type });
        expectRefusal(reply, ['BAD_REQUEST'], `content-type ${JSON.stringify(type)}`);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses junk bearer tokens with 401 before reading the body', async () => {
    const header = fc
      .oneof(
        fc.string({ maxLength: 300 }).map((t) => `Bearer ${t}`),
        fc.string({ maxLength: 300 }),
        fc.base64String({ maxLength: 300 }).map((t) => `Bearer ${t}.${t}.${t}`),
      )
      .filter((h) => /^[\t\x20-\x7e]*$/.test(h)); // what an HTTP header may carry
    await fc.assert(
      fc.asyncProperty(header, junkValue(), async (authorization, body) => {
        figures.add('POST /sign junk tokens');
        const reply = await postSign(JSON.stringify(body) ?? '', { authorization });
        expectRefusal(reply, ['UNAUTHORIZED'], `authorization ${JSON.stringify(authorization)}`);
      }),
      { numRuns: 100 },
    );
  });
});

describe('random requests to the plain HTTP endpoints', () => {
  it('answer JSON errors with a code for unknown paths, wrong methods and bad keys', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(...keys, '%E0%A4%A', '%', '..'),
    );
    const path = fc.oneof(
      segment.map((s) => `/connected/${encodeURIComponent(s)}`),
      fc.constantFrom('/connected/%E0%A4%A', '/connected/%zz', '/connected/'),
      fc.webPath().filter((p) => !p.startsWith('/trpc')),
      fc.constantFrom('/sign', '/status', '/healthz', '/metrics'),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');
    await fc.assert(
      fc.asyncProperty(method, path, async (m, p) => {
        figures.add('random HTTP requests');
        const res = await fetch(`${server.url}${p}`, {
          method: m,
          headers: { 'content-type': 'application/json' },
          ...(m === 'GET' ? {} : { body: '{}' }),
        });
        expect(res.status, `${m} ${p}`).toBeLessThan(500);
        if (res.status >= 400) {
          const body = (await res.json()) as Reply['body'];
          expect(isErrorCode(body.code), `${m} ${p}: ${JSON.stringify(body)}`).toBe(true);
        } else await res.arrayBuffer();
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('answers request targets that do not parse with 400, plain or as a WebSocket upgrade', async () => {
    // `GET //a:99999` once ended the process: the URL parser throws on its port.
    const targets = fc.oneof(
      fc.constantFrom('//a:99999', '//[', '//a:b/sign', '//:0/ws', '//[::1/trpc', '//%/x'),
      fc
        .string({ unit: fc.constantFrom(...'/:[]@%.?#a0'), minLength: 1, maxLength: 20 })
        .map((t) => `/${t}`),
    );
    const asUpgrade = fc.boolean();
    await fc.assert(
      fc.asyncProperty(targets, asUpgrade, async (target, upgrade) => {
        figures.add('raw request targets');
        const { status } = await rawRequest(
          server.url,
          `GET ${target} HTTP/1.1`,
          upgrade ? UPGRADE_HEADERS : [],
        );
        expect(status, `${upgrade ? 'upgrade' : 'GET'} ${target}`).toBeGreaterThanOrEqual(100);
        expect(status, `${upgrade ? 'upgrade' : 'GET'} ${target}`).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
    expect((await rawRequest(server.url, 'GET //a:99999 HTTP/1.1')).status).toBe(400);
    expect((await rawRequest(server.url, 'GET //a:99999 HTTP/1.1', UPGRADE_HEADERS)).status).toBe(
      400,
    );
  }, 60_000);

  it('left the server up, with no state changed', async () => {
    await server.expectHealthy();
    expect(server.counts()).toEqual(before);
  });
});
