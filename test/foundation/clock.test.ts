import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { closeClient, createClient } from '../../client/trpc.js';
import { startServer } from '../../server/app.js';
import { resolveConfig } from '../../server/config.js';
import { tempDir } from '../support/server.js';

/** A server whose clock the test sets: `startServer(config, { clock })`. */
async function serverAt(time: { now: number }) {
  const config = resolveConfig({ port: 0, logLevel: 'silent', dataDir: tempDir() }, {});
  return startServer(config, { clock: () => time.now });
}

describe('one injected clock', () => {
  it('decides token expiry and stamps audit rows with the server clock', async () => {
    const time = { now: Date.now() };
    const server = await serverAt(time);
    const admin = createClient({
      url: server.url,
      token: await server.services.issueToken({ sub: 'root', role: 'admin', ttl: '1h' }),
    });
    try {
      await admin.auth.issueToken.mutate({ sub: 'bob', role: 'participant', ttl: '5m' });
      const [row] = server.services.sqlite
        .prepare("select at from audit_log where action = 'issue_token'")
        .all() as { at: number }[];
      expect(row?.at).toBe(time.now);

      time.now += 2 * 3600_000; // the token's hour has passed for the server
      const err = await admin.auth.whoami.query().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCClientError);
      expect((err as TRPCClientError<never>).message).toBe('token expired');
    } finally {
      await closeClient(admin);
      await server.close();
    }
  });
});
