import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  waitForState,
} from '../support/sessions.js';

afterEach(closeAll);

async function metricsText(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

describe('sessions gauge', () => {
  it('counts sessions by kind and state from SQLite at every scrape', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [, , carol] = await participants(server, ['alice', 'bob', 'carol']);
    await completedKeygen(coordinator, { threshold: 2, participants: ['alice', 'bob', 'carol'] });
    carol!.misbehave({ reject: 'no' });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: ['alice', 'bob', 'carol'],
    });
    await waitForState(coordinator, session.id);
    carol!.misbehave({ silent: true });
    await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: ['alice', 'bob', 'carol'],
    });

    const text = await metricsText(server.url);
    expect(text).toContain('sigsocket_sessions{kind="keygen",state="completed"} 1');
    expect(text).toContain('sigsocket_sessions{kind="keygen",state="rejected"} 1');
    expect(text).toContain('sigsocket_sessions{kind="keygen",state="inviting"} 1');
  });
});
