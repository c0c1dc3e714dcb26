import { issueToken } from '../server/auth/jwt.js';
import { loadOrCreateSecret } from '../server/auth/secret.js';
import { startServer, type ServerHandle } from '../server/app.js';
import { resolveConfig, type ServeConfigKey } from '../server/config.js';
import type { Role } from '../protocol/identity.js';
import { tempDir } from './temp-dir.js';

export interface TestServer extends ServerHandle {
  dataDir: string;
  /** A token signed with this server's data-dir secret. */
  token(sub: string, role: Role, ttl?: string): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A real server on 127.0.0.1 with a free port and a fresh data directory (or the given one).
 * Use with `await using server = await startTestServer()`, or call close().
 */
export async function startTestServer(
  overrides: Partial<Record<ServeConfigKey, unknown>> = {},
): Promise<TestServer> {
  const dataDir = (overrides.dataDir as string | undefined) ?? tempDir();
  const config = resolveConfig({ port: 0, logLevel: 'silent', ...overrides, dataDir }, {});
  const server = await startServer(config);
  const secret = loadOrCreateSecret(dataDir);
  return Object.assign(server, {
    dataDir,
    token: (sub: string, role: Role, ttl = '1h') => issueToken(secret, { sub, role, ttl }),
    [Symbol.asyncDispose]: () => server.close(),
  });
}
