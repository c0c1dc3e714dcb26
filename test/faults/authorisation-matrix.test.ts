/**
 * The full authorisation matrix: every procedure of the router × every kind of caller (a
 * coordinator on its own session and on another's, a participant named in the session and one
 * that is not, an admin, no token), over HTTP and over the tRPC WebSocket. The expected outcome
 * of every cell is written down below, so a change of policy shows up as a diff of this table;
 * a procedure added to the router fails the test until it has its row.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../protocol/identity.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  waitForState,
} from '../support/sessions.js';
import { b64, testKey } from '../support/signing.js';
import { outcomeOverHttp, SocketPool, type Outcome } from './support/abuse-outcomes.js';
import { Figures } from './support/abuse-figures.js';
import { procedures } from './support/abuse-procedures.js';

const CALLERS = ['coord own', 'coord foreign', 'named', 'not named', 'admin', 'none'] as const;
type Caller = (typeof CALLERS)[number];

/** Who each caller is: the session and key of the world below belong to `coord`, name alice. */
const IDENTITIES: Record<Exclude<Caller, 'none'>, { sub: string; role: Role }> = {
  'coord own': { sub: 'coord', role: 'coordinator' },
  'coord foreign': { sub: 'other', role: 'coordinator' },
  named: { sub: 'alice', role: 'participant' },
  'not named': { sub: 'dave', role: 'participant' },
  admin: { sub: 'root', role: 'admin' },
};

const row = (...cells: Outcome[]) =>
  Object.fromEntries(CALLERS.map((c, i) => [c, cells[i]!])) as Record<Caller, Outcome>;
const U = 'UNAUTHORIZED';
const F = 'FORBIDDEN';
const NF = 'NOT_FOUND';
const DONE = 'SESSION_FINISHED';
const NC = 'SIGNER_NOT_CONNECTED';
const BAD = 'INVALID_PROOF';
const TAKEN = 'CONFLICT';

/**
 * The policy. The session and key are finished ones, so "allowed" shows as an answer that
 * changes nothing: SESSION_FINISHED (DONE), created: false (ok), a signer nobody holds (NC), a
 * registration without a valid challenge (BAD); another caller reusing a session id: CONFLICT.
 */
// prettier-ignore
const EXPECTED: Record<string, Record<Caller, Outcome>> = {
  //                           coord own  coord foreign  named   not named  admin   none
  'auth.whoami':           row('ok',      'ok',          'ok',   'ok',      'ok',   U),
  'auth.issueToken':       row(F,         F,             F,      F,         'ok',   U),
  'auth.refresh':          row(U,         U,             U,      U,         U,      U),
  'signer.sign':           row(NC,        NC,            F,      F,         NC,     U),
  'signer.status':         row('ok',      'ok',          'ok',   'ok',      'ok',   'ok'),
  'signer.connected':      row('ok',      'ok',          'ok',   'ok',      'ok',   'ok'),
  'signer.attach':         row('ok',      'ok',          'ok',   'ok',      'ok',   U),
  'signer.prove':          row(NF,        NF,            NF,     NF,        NF,     U),
  'signer.respond':        row(NF,        NF,            NF,     NF,        NF,     U),
  'participant.challenge': row(F,         F,             'ok',   'ok',      'ok',   U),
  'participant.register':  row(F,         F,             BAD,    BAD,       BAD,    U),
  'participant.list':      row('ok',      'ok',          F,      F,         'ok',   U),
  'participant.respond':   row(F,         F,             DONE,   NF,        NF,     U),
  'participant.submit':    row(F,         F,             DONE,   NF,        NF,     U),
  'participant.inbox':     row(F,         F,             'ok',   'ok',      'ok',   U),
  'keygen.create':         row('ok',      TAKEN,         F,      F,         TAKEN,  U),
  'sign.create':           row('ok',      TAKEN,         F,      F,         TAKEN,  U),
  'session.create':        row('ok',      TAKEN,         F,      F,         TAKEN,  U),
  'session.get':           row('ok',      NF,            'ok',   NF,        'ok',   U),
  'session.list':          row('ok',      'ok',          'ok',   'ok',      'ok',   U),
  'session.abort':         row(DONE,      NF,            F,      F,         DONE,   U),
  'session.watch':         row('ok',      NF,            'ok',   NF,        'ok',   U),
  'key.get':               row('ok',      NF,            'ok',   NF,        'ok',   U),
  'key.list':              row('ok',      'ok',          'ok',   'ok',      'ok',   U),
  // Nobody is barred from the FROST key: allowed callers hear NOT_FOUND for the bar.
  'key.clearBan':          row(NF,        NF,            F,      F,         NF,     U),
  'key.history':           row('ok',      NF,            'ok',   NF,        'ok',   U),
  // Aimed at the signing's id, so the key is never destroyed: CONFLICT for whoever may destroy.
  'key.destroy':           row(TAKEN,     TAKEN,         F,      F,         TAKEN,  U),
};

/**
 * Over HTTP, subscriptions (no streaming over HTTP) and auth.refresh (which replaces a
 * WebSocket's token) are BAD_REQUEST for everyone, before any token check.
 */
const ONLY_OVER_WS = new Set([
  'auth.refresh',
  ...procedures()
    .filter((p) => p.type === 'subscription')
    .map((p) => p.path),
]);
const EXPECTED_OVER_HTTP = Object.fromEntries(
  Object.entries(EXPECTED).map(([path, cells]) => [
    path,
    ONLY_OVER_WS.has(path) ? row(...CALLERS.map(() => 'BAD_REQUEST')) : cells,
  ]),
);

/** A valid input per procedure, aimed at the world's session, key and an absent signer. */
function inputs(keyId: string): Record<string, unknown> {
  const absentSigner = testKey().publicKey;
  const signature = b64(new Uint8Array(64).fill(1));
  return {
    'auth.issueToken': { sub: 'erin', role: 'participant' },
    'auth.refresh': { token: 'not-a-jwt' },
    'signer.sign': { publicKey: absentSigner, message: b64('m') },
    'signer.connected': { publicKey: absentSigner },
    'signer.attach': { publicKey: absentSigner },
    'signer.prove': { attachId: 'nope', signature },
    'signer.respond': { requestId: randomUUID(), signature },
    'participant.register': {
      identityKey: absentSigner,
      challenge: '11'.repeat(32),
      signature: '22'.repeat(64),
    },
    'participant.respond': { sessionId: 'sg-auth', accept: true },
    'participant.submit': {
      sessionId: 'sg-auth',
      submission: { kind: 'nonces_lost', commitRound: 1 },
    },
    'keygen.create': {
      sessionId: 'kg-auth',
      threshold: 2,
      participants: ['alice', 'bob', 'carol'],
    },
    'sign.create': { sessionId: 'sg-auth', keyId, message: 'aa', participants: ['alice', 'bob'] },
    'session.create': {
      kind: 'keygen',
      request: { sessionId: 'kg-auth', threshold: 2, participants: ['alice', 'bob', 'carol'] },
    },
    'session.get': { sessionId: 'sg-auth' },
    'session.abort': { sessionId: 'sg-auth' },
    'session.watch': { sessionId: 'sg-auth' },
    'key.get': { keyId },
    'key.clearBan': { keyId, participant: 'alice' },
    'key.history': { keyId },
    'key.destroy': { keyId, sessionId: 'sg-auth' },
  };
}

let server: TestServer;
let tokens: Record<Caller, string | undefined>;
let input: Record<string, unknown>;

beforeAll(async () => {
  server = await startTestServer();
  const coord = await clientFor(server, 'coord', 'coordinator');
  await participants(server, ['alice', 'bob', 'carol', 'dave']);
  const keygen = await completedKeygen(coord, {
    sessionId: 'kg-auth',
    threshold: 2,
    participants: ['alice', 'bob', 'carol'],
  });
  const keyId = keygen.result!['keyId'] as string;
  const { session } = await coord.sign.create.mutate({
    sessionId: 'sg-auth',
    keyId,
    message: 'aa',
    participants: ['alice', 'bob'],
  });
  expect((await waitForState(coord, session.id)).state).toBe('completed');
  input = inputs(keyId);
  tokens = { none: undefined } as Record<Caller, string | undefined>;
  for (const [caller, { sub, role }] of Object.entries(IDENTITIES)) {
    tokens[caller as Caller] = await server.token(sub, role);
  }
}, 60_000);

const figures = new Figures('authorisation-matrix');

afterAll(async () => {
  figures.print();
  await closeAll();
  await server?.close();
});

describe('authorisation matrix: procedures × callers', () => {
  it('has a row for every procedure of the router', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(
      procedures()
        .map((p) => p.path)
        .sort(),
    );
  });

  it(`gives every cell its expected outcome over HTTP (${Object.keys(EXPECTED).length} × ${CALLERS.length})`, async () => {
    const actual: Record<string, Record<Caller, Outcome>> = {};
    for (const p of procedures()) {
      actual[p.path] = {} as Record<Caller, Outcome>;
      for (const caller of CALLERS) {
        figures.add('cells checked over HTTP');
        actual[p.path]![caller] = await outcomeOverHttp(
          server.url,
          p,
          input[p.path],
          tokens[caller],
        );
      }
    }
    expect(actual).toEqual(EXPECTED_OVER_HTTP);
  });

  it('gives every cell the same outcome over the WebSocket', async () => {
    const pool = new SocketPool(server.wsUrl);
    const actual: Record<string, Record<Caller, Outcome>> = {};
    for (const p of procedures()) {
      actual[p.path] = {} as Record<Caller, Outcome>;
      for (const caller of CALLERS) {
        actual[p.path]![caller] = await pool.outcome(p, input[p.path], tokens[caller]);
        figures.add('cells checked over WebSocket');
      }
    }
    await pool.close();
    expect(actual).toEqual(EXPECTED);
  });

  it('changed nothing: the session, the key and the participants are as they were', async () => {
    const rows = (sql: string) => server.services.sqlite.prepare(sql).all();
    expect(rows('select id, state from sessions order by id')).toEqual([
      { id: 'kg-auth', state: 'completed' },
      { id: 'sg-auth', state: 'completed' },
    ]);
    expect(rows('select count(*) as n from keys')).toEqual([{ n: 1 }]);
    expect(
      rows('select name from participants order by name').map((r) => (r as { name: string }).name),
    ).toEqual(['alice', 'bob', 'carol', 'dave']);
  });
});
