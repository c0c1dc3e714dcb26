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
  server = await startChildServer();
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
        let input = badInput(p, caller.pool);
        // Over HTTP a subscription that starts stays open: send it only what its schema refuses.
        if (p.type === 'subscription') input = input.filter((i) => !accepts(p, i));
        await fc.assert(
          fc.asyncProperty(input, async (value) => {
            figures.add('inputs over HTTP');
            const what = `${caller.name} ${p.path} ${JSON.stringify(value)?.slice(0, 200)}`;
            const answer = await callOverHttp(server.url, p, value, caller.token);
            expectClearAnswer(answer, what);
            if (!accepts(p, value)) refusedAsBadInput(answer, what);
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

  it('leaves the held session able to complete', async () => {
    await world.expectUnchanged();
    await world.expectCompletes();
    await server.expectHealthy();
  }, 60_000);
});
