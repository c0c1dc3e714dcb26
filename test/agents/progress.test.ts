import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { advance } from '../../client/coordinator/index.js';
import { describeInvitation } from '../../cli/invitation-text.js';
import { logLine, statusLine, timeLeft } from '../../cli/progress-format.js';
import { createProgressDisplay } from '../../cli/progress.js';
import { sessionsTable } from '../../cli/sessions-table.js';
import type { SessionSummary, SessionView } from '../../protocol/session-view.js';
import type { SessionEvent } from '../../protocol/sessions.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const member = (name: string, index: number, status = 'invited') => ({
  name,
  index,
  identityKey: '02' + '11'.repeat(32),
  status,
});

const keygen: SessionView = {
  id: 'kg_1',
  kind: 'keygen',
  state: 'inviting',
  phase: 'inviting',
  scheme: 'frost-secp256k1',
  threshold: 2,
  participants: [member('alice', 1), member('bob', 2), member('dave', 3)],
  coordinator: 'carol',
  label: null,
  keyId: null,
  message: null,
  commitRound: null,
  deadline: NOW + 65_000,
  waitingFor: ['alice', 'bob', 'dave'],
  result: null,
  error: null,
  createdAt: NOW - 1000,
  updatedAt: NOW - 1000,
  lastEventId: null,
};

let nextId = 1;
const event = (type: string, payload: Record<string, unknown>): SessionEvent => ({
  id: nextId++,
  sessionId: 'kg_1',
  type,
  recipient: null,
  payload: { sessionId: 'kg_1', ...payload },
  createdAt: NOW,
});

describe('session progress text', () => {
  it('folds events into the view and says who is awaited and how long is left', () => {
    expect(statusLine(keygen, NOW)).toBe(
      'keygen kg_1  inviting  0/3 answered  waiting for alice, bob, dave  1m05s left',
    );
    const answered = advance(
      keygen,
      event('participant_answered', {
        participant: 'alice',
        accept: true,
        reason: null,
        waitingFor: ['bob', 'dave'],
      }),
    );
    expect(answered.participants[0]!.status).toBe('accepted');
    expect(statusLine(answered, NOW)).toContain('1/3 answered  waiting for bob, dave');

    const round2 = advance(
      answered,
      event('phase_changed', {
        phase: 'round2',
        waitingFor: ['alice', 'bob', 'dave'],
        deadline: NOW + 9_000,
        phaseStartedAt: NOW,
      }),
    );
    const e = event('submitted', {
      phase: 'round2',
      participant: 'bob',
      waitingFor: ['alice', 'dave'],
    });
    const submitted = advance(round2, e);
    expect(statusLine(submitted, NOW)).toBe(
      'keygen kg_1  round2  1/3 submitted  waiting for alice, dave  9s left',
    );
    expect(logLine({ view: submitted, event: e }, NOW)).toBe(
      '2026-01-02T03:04:05.000Z keygen kg_1: bob sent its encrypted round-2 shares (waiting for alice, dave)',
    );
    expect(logLine({ view: submitted, event: event('round2_shares', {}) }, NOW)).toBeNull();

    const error = {
      code: 'TIMEOUT',
      message: 'round2 timed out, waiting for alice, dave',
      phase: 'round2',
      culprits: ['alice', 'dave'],
      waitingFor: ['alice', 'dave'],
    };
    const ended = advance(
      submitted,
      event('session_timed_out', { state: 'timed_out', error, waitingFor: ['alice', 'dave'] }),
    );
    expect(ended).toMatchObject({ state: 'timed_out', deadline: null, error });
    expect(statusLine(ended, NOW)).toBe(
      'keygen kg_1  timed_out: round2 timed out, waiting for alice, dave',
    );
    expect(timeLeft(NOW - 1, NOW)).toBe('deadline passed');
  });

  it('redraws one status line per session in place on a terminal, prints log lines otherwise and with --json', () => {
    const collect = (isTTY: boolean) => {
      let text = '';
      const stream = Object.assign(
        new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) }),
        { isTTY, columns: 60 },
      );
      return { stream, text: () => text };
    };
    const tty = collect(true);
    const display = createProgressDisplay({ stream: tty.stream });
    display.update({ view: keygen, event: null });
    display.update({ view: { ...keygen, id: 'kg_2' }, event: null });
    display.update({ view: { ...keygen, waitingFor: ['dave'] }, event: null });
    display.close();
    const frames = tty.text().split('\x1b[2A');
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.at(-1)).toMatch(
      /^\r\x1b\[2Kkeygen kg_1 {2}inviting {2}2\/3 answered {2}waiting for dave.*\n\r\x1b\[2Kkeygen kg_2/,
    );
    expect(
      tty
        .text()
        .split('\n')
        .every((line) => line.replace(/\x1b\[\d*[A-Z]|\r/g, '').length <= 59),
    ).toBe(true);

    const plain = collect(false);
    const lines = createProgressDisplay({ stream: plain.stream });
    lines.update({ view: keygen, event: null });
    lines.update({ view: keygen, event: null });
    lines.close();
    expect(plain.text().trim().split('\n')).toHaveLength(1);
    expect(plain.text()).not.toContain('\x1b');

    // --json: log lines even when the stream (stderr) is a terminal.
    const json = collect(true);
    const jsonLines = createProgressDisplay({ json: true, stream: json.stream });
    jsonLines.update({ view: keygen, event: null });
    jsonLines.close();
    expect(json.text().trim().split('\n')).toHaveLength(1);
    expect(json.text()).not.toContain('\x1b');
  });

  it('describes invitations and lists sessions as a table', () => {
    const text = describeInvitation({
      kind: 'sign',
      sessionId: 'sg_1',
      coordinator: 'carol',
      scheme: 'frost-secp256k1-tr',
      keyId: 'key_1',
      keygenSessionId: 'kg_1',
      message: 'ab'.repeat(40),
      t: 2,
      partIndex: 1,
      participants: [member('alice', 1), member('dave', 3)],
      commitRound: 1,
      deadline: NOW,
    });
    expect(text).toBe(
      `sign sg_1 from carol: key key_1, 40-byte message ${'ab'.repeat(32)}… with alice, dave`,
    );

    // What session.list answers for these sessions.
    const summaryOfView = ({ message: _m, result: _r, ...v }: SessionView): SessionSummary => ({
      ...v,
      participants: v.participants.map((p) => p.name),
    });
    const table = sessionsTable([
      summaryOfView(keygen),
      summaryOfView({
        ...keygen,
        id: 'kg_2',
        state: 'failed',
        error: { code: 'X', message: 'bob sent a bad share', phase: 'round2', culprits: ['bob'] },
      }),
    ]);
    const [header, first, second] = table.split('\n');
    expect(header).toMatch(/^ID {4}KIND {4}STATE {5}T\/N {2}SCHEME/);
    expect(first).toContain('kg_1  keygen  inviting  2/3');
    expect(second).toMatch(/failed .* bob sent a bad share$/);
    expect(sessionsTable([])).toBe('no sessions');
  });
});
