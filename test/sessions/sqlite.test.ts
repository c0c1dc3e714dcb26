import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../protocol/frost/index.js';
import { repoRoot } from '../support/cli.js';
import { startTestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  waitForState,
} from '../support/sessions.js';

afterEach(closeAll);

/** The example queries of docs/sessions.md, run verbatim (the test checks the doc has them). */
const QUERIES = {
  sessions:
    "select id, kind, state, scheme, threshold, participants, coordinator, key_id, deadline, waiting_for, json_extract(result, '$.keyId') as result_key_id, created_at, updated_at from sessions order by created_at",
  signatures:
    "select id, kind, state, key_id, message, json_extract(result, '$.signature') as signature from sessions where kind in ('sign', 'dkls23-sign')",
  failures:
    "select id, state, json_extract(error, '$.code') as code, json_extract(error, '$.culprits') as culprits, error from sessions where state in ('failed', 'rejected', 'timed_out', 'aborted')",
  snapshots:
    "select id, json_extract(snapshot, '$.value') as state, json_extract(snapshot, '$.context.phase') as phase from sessions",
  events:
    "select e.id, e.session_id, e.type, e.recipient, e.payload, e.created_at from session_events e join sessions s on s.id = e.session_id where s.kind = 'sign' order by e.id",
  keys: 'select id, scheme, group_public_key, threshold, participants, verifying_shares, address, ethereum_address, epoch, status, keygen_session_id, created_at from keys',
  bans: 'select key_id, participant, session_id, code, created_at from key_bans',
  participants: 'select name, identity_key from participants order by name',
  escrows:
    'select key_id, participant, length(blob) / 2 as bytes from escrows order by participant',
  nonces: 'select commitment, participant, session_id from nonce_commitments',
  audit: 'select at, actor, role, action, session_id, outcome, detail from audit_log order by id',
} as const;

function sqlite3(db: string, query: string): Array<Record<string, unknown>> {
  const out = execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8' });
  return out.trim() === '' ? [] : (JSON.parse(out) as Array<Record<string, unknown>>);
}

describe('the tables of docs/sessions.md through the sqlite3 shell', () => {
  it('shows sessions, events, keys, participants, escrows, nonces and the audit log', async () => {
    await using server = await startTestServer({ network: 'tb' });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice, , carol] = await participants(server, ['alice', 'bob', 'carol']);
    const keygen = await completedKeygen(coordinator, {
      sessionId: 'kg-1',
      threshold: 2,
      participants: ['alice', 'bob', 'carol'],
      scheme: 'frost-secp256k1-tr',
    });
    const keyId = keygen.result!['keyId'] as string;
    await coordinator.sign.create.mutate({
      sessionId: 'sg-1',
      keyId,
      message: 'c0ffee',
      participants: ['alice', 'bob'],
    });
    expect((await waitForState(coordinator, 'sg-1')).state).toBe('completed');
    for (const p of [alice!, carol!]) p.hold('commit');
    await coordinator.sign.create.mutate({
      sessionId: 'sg-2',
      keyId,
      message: '00',
      participants: ['alice', 'carol'],
    });
    await waitForState(coordinator, 'sg-2', ['commitments']);
    await coordinator.session.abort.mutate({ sessionId: 'sg-2', reason: 'changed my mind' });

    const db = path.join(server.dataDir, 'sigsocket.db');
    const run = (name: keyof typeof QUERIES) => sqlite3(db, QUERIES[name]);

    const sessions = run('sessions');
    expect(sessions.map((s) => [s['id'], s['kind'], s['state']])).toEqual([
      ['kg-1', 'keygen', 'completed'],
      ['sg-1', 'sign', 'completed'],
      ['sg-2', 'sign', 'aborted'],
    ]);
    expect(sessions[0]).toMatchObject({
      scheme: 'frost-secp256k1-tr',
      threshold: 2,
      coordinator: 'coord',
      key_id: keyId,
      result_key_id: keyId,
      deadline: null,
      waiting_for: '[]',
    });
    expect(JSON.parse(sessions[0]!['participants'] as string)).toEqual(['alice', 'bob', 'carol']);

    const [signature] = run('signatures');
    expect(signature).toMatchObject({
      id: 'sg-1',
      state: 'completed',
      key_id: keyId,
      message: 'c0ffee',
    });
    const [key] = run('keys');
    expect(key).toMatchObject({
      id: keyId,
      scheme: 'frost-secp256k1-tr',
      threshold: 2,
      epoch: 1,
      status: 'active',
      keygen_session_id: 'kg-1',
    });
    expect(key!['address']).toMatch(/^tb1p/);
    expect(key!['ethereum_address']).toBeNull();
    expect(run('bans')).toEqual([]);
    expect(Object.keys(JSON.parse(key!['verifying_shares'] as string))).toEqual(['1', '2', '3']);
    expect(
      verifySignature(
        'frost-secp256k1-tr',
        key!['group_public_key'] as string,
        'c0ffee',
        signature!['signature'] as string,
      ),
    ).toBe(true);

    const [aborted] = run('failures');
    expect(aborted).toMatchObject({
      id: 'sg-2',
      state: 'aborted',
      code: 'ABORTED',
      culprits: '[]',
    });
    expect(run('snapshots').map((s) => [s['id'], s['state'], s['phase']])).toEqual([
      ['kg-1', 'completed', 'confirming'],
      ['sg-1', 'completed', 'shares'],
      ['sg-2', 'aborted', 'commitments'],
    ]);

    const events = run('events');
    const sg1 = events.filter((e) => e['session_id'] === 'sg-1').map((e) => e['type']);
    expect(sg1[0]).toBe('sign_invite');
    expect(sg1).toContain('signing_package');
    expect(sg1.at(-1)).toBe('session_completed');
    const ids = events.map((e) => e['id'] as number);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(
      events.filter((e) => e['type'] === 'sign_invite').every((e) => e['recipient'] !== null),
    ).toBe(true);
    expect(JSON.parse(events.at(-1)!['payload'] as string)).toMatchObject({ state: 'aborted' });

    expect(run('participants').map((p) => p['name'])).toEqual(['alice', 'bob', 'carol']);
    expect(run('escrows').map((e) => e['participant'])).toEqual(['alice', 'bob', 'carol']);
    const nonces = run('nonces');
    expect(nonces).toHaveLength(4); // hiding + binding of alice and bob in sg-1
    expect(new Set(nonces.map((n) => n['participant']))).toEqual(new Set(['alice', 'bob']));

    const audit = run('audit');
    const actions = audit.map((a) => `${a['actor']} ${a['action']} ${a['outcome']}`);
    expect(actions).toContain('coord keygen.create ok');
    expect(actions).toContain('coord sign.create ok');
    expect(actions).toContain('alice session.respond accepted');
    expect(actions).toContain('bob session.submit ok');
    expect(actions).toContain('coord session.abort ok');
    expect(actions).toContain('sigsocket session.end completed');
    expect(actions).toContain('sigsocket session.end aborted');
    // No secrets: shares, nonces and escrow blobs never reach the audit log.
    const blob = JSON.stringify(audit);
    for (const row of sqlite3(db, 'select blob from escrows'))
      expect(blob).not.toContain(row['blob']);
  });

  it('documents exactly these queries in docs/sessions.md', () => {
    const doc = fs.readFileSync(path.join(repoRoot, 'docs/sessions.md'), 'utf8');
    for (const query of Object.values(QUERIES)) expect(doc).toContain(query);
  });

  it('shows in README.md only queries this test runs', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const shown = [...readme.matchAll(/^sqlite3 -json data\/sigsocket\.db "(.+)"$/gm)].map(
      (m) => m[1],
    );
    expect(shown.length).toBeGreaterThanOrEqual(4);
    for (const query of shown) expect(Object.values(QUERIES) as string[]).toContain(query);
  });
});
