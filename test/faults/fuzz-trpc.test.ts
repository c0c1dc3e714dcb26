/**
 * Malformed input for every tRPC procedure (enumerated from the router), over HTTP and over the
 * WebSocket, plus junk frames on the WebSocket: the server (a child process) answers each with
 * a clear, typed refusal or a harmless success, never crashes, and changes no state.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll } from '../support/sessions.js';
import { Figures } from './support/abuse-figures.js';
import {
  accepts,
  badInput,
  callOverHttp,
  expectClearAnswer,
  procedures,
  sendOverHttp,
  type Answer,
} from './support/abuse-procedures.js';
import { startChildServer, type ChildServer, type RowCounts } from './support/abuse-server.js';
import { RawTrpcSocket, type TrpcReply } from './support/abuse-trpc-ws.js';
import { heldKeygen, type HeldKeygen } from './support/abuse-world.js';

const RUNS_PER_PROCEDURE_AND_CALLER = 40;
const WS_RUNS_PER_PROCEDURE = 25;
const JUNK_FRAMES = 300;

let server: ChildServer;
let world: HeldKeygen;
let before: RowCounts;
/** Callers: an admin (past every role check) and a participant named in the held session. */
let callers: Array<{ name: string; token: string; pool: string[] }>;

beforeAll(async () => {
  // Thousands of calls from two principals, by design over --rate-limit (hardening-rate tests it).
  server = await startChildServer(['--rate-limit', '1000000', '--rate-burst', '1000000']);
  world = await heldKeygen(server, 'fz');
  before = server.counts();
  callers = [
    // The admin gets no real ids: with them a valid abort or create would be a legitimate change.
    { name: 'admin', token: await server.token('fz-root', 'admin'), pool: [] },
    { name: 'participant', token: await server.token('fz-alice', 'participant'), pool: world.pool },
  ];
}, 60_000);

const figures = new Figures('fuzz-trpc');

afterAll(async () => {
  figures.print();
  await closeAll();
  await server?.close();
});

/** Input the schema refuses: BAD_REQUEST naming the field, unless the role check refused first. */
function refusedAsBadInput(answer: Answer, what: string): void {
  if (answer.appCode === 'FORBIDDEN') return expect(answer.status, what).toBe(403);
  expect(answer, what).toMatchObject({ status: 400, code: 'BAD_REQUEST', appCode: 'BAD_REQUEST' });
  expect(answer.message, what).toMatch(/^invalid input: /);
}

function expectNoHttpSubscription(answer: Answer, what: string): void {
  expect(answer, what).toMatchObject({ status: 400, code: 'BAD_REQUEST', appCode: 'BAD_REQUEST' });
  expect(answer.message, what).toMatch(/is a subscription: subscriptions are served only over/);
}

function fromReply(reply: TrpcReply): Answer {
  if (!reply.error) return { status: 200, ok: true };
  const data = reply.error.data as { code?: string; appCode?: string; httpStatus?: number };
  return {
    status: data.httpStatus ?? 500,
    ok: false,
    code: data.code,
    appCode: data.appCode,
    message: reply.error.message,
  };
}

describe('malformed input to every tRPC procedure', () => {
  it('lists every procedure of the router, each kind at least once', () => {
    const all = procedures();
    figures.add('procedures', all.length);
    expect(all.length).toBeGreaterThanOrEqual(22);
    expect(new Set(all.map((p) => p.type))).toEqual(new Set(['query', 'mutation', 'subscription']));
  });

  it('over HTTP: a typed refusal (BAD_REQUEST for what the schema refuses) or a harmless answer', async () => {
    for (const p of procedures()) {
      for (const caller of callers) {
        const input = badInput(p, caller.pool);
        await fc.assert(
          fc.asyncProperty(input, async (value) => {
            figures.add('inputs over HTTP');
            const what = `${caller.name} ${p.path} ${JSON.stringify(value)?.slice(0, 200)}`;
            const answer = await callOverHttp(server.url, p, value, caller.token);
            expectClearAnswer(answer, what);
            // Subscriptions are not served over HTTP at all, whatever the input (no stream).
            if (p.type === 'subscription') expectNoHttpSubscription(answer, what);
            else if (!accepts(p, value)) refusedAsBadInput(answer, what);
          }),
          { numRuns: RUNS_PER_PROCEDURE_AND_CALLER },
        );
      }
    }
    await server.expectHealthy();
    expect(server.counts()).toEqual(before);
    await world.expectUnchanged();
  }, 120_000);

  it('over the WebSocket: the same, and a subscription that does start is stopped cleanly', async () => {
    const sockets = await Promise.all(
      callers.map((c) => RawTrpcSocket.open(server.wsUrl, c.token)),
    );
    for (const p of procedures()) {
      for (const [i, caller] of callers.entries()) {
        const socket = sockets[i]!;
        await fc.assert(
          fc.asyncProperty(badInput(p, caller.pool), async (value) => {
            const what = `${caller.name} ${p.path} over WS ${JSON.stringify(value)?.slice(0, 200)}`;
            figures.add('inputs over WebSocket');
            const reply = await socket.request(p.type, p.path, value);
            if (p.type === 'subscription' && reply.result?.type === 'started')
              socket.stop(reply.id!);
            const answer = fromReply(reply);
            expectClearAnswer(answer, what);
            if (!accepts(p, value)) refusedAsBadInput(answer, what);
          }),
          { numRuns: WS_RUNS_PER_PROCEDURE },
        );
      }
    }
    for (const socket of sockets) expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    await Promise.all(sockets.map((s) => s.close()));
    await server.expectHealthy();
    expect(server.counts()).toEqual(before);
    await world.expectUnchanged();
  }, 120_000);

  it('junk frames on the tRPC WebSocket get a parse error each and leave the connection usable', async () => {
    const socket = await RawTrpcSocket.open(server.wsUrl, callers[0]!.token);
    const frames = fc.sample(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.constantFrom(
          '{',
          '[',
          '[]',
          '{"id":1}',
          '{"method":"query"}',
          '{"id":{},"method":"query","params":7}',
        ),
      ),
      JUNK_FRAMES,
    );
    for (const frame of frames) socket.send(frame);
    figures.add('junk WebSocket frames', frames.length);
    // A request after the junk is answered in order, so every junk frame has been handled.
    const whoami = await socket.request('query', 'auth.whoami', undefined);
    expect(whoami.result).toMatchObject({ type: 'data', data: { sub: 'fz-root', role: 'admin' } });
    const junkReplies = socket.replies.slice(0, -1);
    for (const reply of junkReplies) {
      expect(reply.error?.data?.appCode, JSON.stringify(reply)).toBeDefined();
    }
    await socket.close();
    await server.expectHealthy();
    expect(server.counts()).toEqual(before);
  });

  it('bytes that are not JSON, over HTTP and the WebSocket: a typed refusal each, 1007 for invalid UTF-8', async () => {
    const admin = callers[0]!;
    const all = procedures();
    const withInput = all.filter((p) => p.input !== undefined); // the others ignore their input
    const notJson = (bytes: Uint8Array): boolean => {
      try {
        JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
        return false;
      } catch {
        return bytes.length > 0;
      }
    };
    const bytes = fc
      .oneof(
        fc.uint8Array({ minLength: 1, maxLength: 2_000 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 400 }).map((t) => Buffer.from(t)),
        fc.constantFrom('{', '[1', '{"a":', '\u0000', 'nul', '{"x":1}}').map((t) => Buffer.from(t)),
      )
      .filter(notJson);

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withInput), bytes, async (p, body) => {
        figures.add('non-JSON tRPC HTTP bodies and inputs');
        const what = `${p.path} with ${body.length} bytes: ${Buffer.from(body).toString('hex').slice(0, 80)}`;
        const answer = await sendOverHttp(server.url, p, body, admin.token);
        expect(answer, what).toMatchObject({ status: 400, ok: false, appCode: 'BAD_REQUEST' });
      }),
      { numRuns: 200 },
    );

    // Wrong content type, wrong method: typed refusals too.
    const mutation = all.find((p) => p.type === 'mutation')!;
    const query = all.find((p) => p.type === 'query')!;
    const refusal = async (res: Response) => {
      const reply = (await res.json()) as { error: { data: { appCode?: string } } };
      return { status: res.status, appCode: reply.error.data.appCode };
    };
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'image/png']) {
      const res = await fetch(`${server.url}/trpc/${mutation.path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': type },
        body: '{}',
      });
      expect(await refusal(res), type).toEqual({ status: 415, appCode: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    const postQuery = await fetch(`${server.url}/trpc/${query.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await refusal(postQuery)).toEqual({ status: 405, appCode: 'METHOD_NOT_ALLOWED' });
    const getMutation = await fetch(`${server.url}/trpc/${mutation.path}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(await refusal(getMutation)).toEqual({ status: 405, appCode: 'METHOD_NOT_ALLOWED' });

    // Binary frames: a parse error each, the connection stays usable.
    const socket = await RawTrpcSocket.open(server.wsUrl, admin.token);
    const frames = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 2_000 }), 100);
    for (const frame of frames) socket.send(Buffer.from(frame), { binary: true });
    figures.add('binary tRPC WebSocket frames', frames.length);
    const whoami = await socket.request('query', 'auth.whoami', undefined);
    expect(whoami.result).toMatchObject({ type: 'data', data: { sub: 'fz-root' } });
    const junkReplies = socket.replies.slice(0, -1);
    expect(junkReplies).toHaveLength(frames.length);
    for (const reply of junkReplies) {
      expect(reply.error?.data?.appCode, JSON.stringify(reply)).toBe('BAD_REQUEST');
    }
    // A text frame that is not UTF-8 breaks the WebSocket protocol: closed with 1007.
    socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await socket.closed).code).toBe(1007);

    await server.expectHealthy();
    expect(server.counts()).toEqual(before);
  }, 120_000);

  it('leaves the held session able to complete', async () => {
    await world.expectUnchanged();
    await world.expectCompletes();
    await server.expectHealthy();
  }, 60_000);
});
