// The real `sigsocket serve` as a child process on a fixed data directory and port, so it can be
// SIGKILLed at any moment and started again where clients expect it (they reconnect by
// themselves and resume from the last event id they saw).
import { expect } from 'vitest';
import { issueToken } from '../../../server/auth/jwt.js';
import { loadOrCreateSecret } from '../../../server/auth/secret.js';
import type { Role } from '../../../protocol/identity.js';
import { spawnServe, type ServeProcess } from '../../support/cli.js';
import { freePort } from '../../support/ports.js';
import { tempDir } from '../../support/server.js';
import { integrity, statesAtKill } from './crash-checks.js';
import { tally } from './crash-figures.js';

export class CrashableServer {
  private serve: ServeProcess | undefined;
  private secret: Uint8Array | undefined;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly extraArgs: string[],
  ) {}

  /** Starts a server on a fresh data directory and a free port; `args` go to every start. */
  static async start(args: string[] = []): Promise<CrashableServer> {
    const server = new CrashableServer(tempDir('sigsocket-crash-'), await freePort(), args);
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.serve !== undefined;
  }

  /** (Re)starts the process on the same data directory and port; resolves once it listens. */
  async start(): Promise<void> {
    if (this.serve) throw new Error('the server is already running');
    const args = ['--data-dir', this.dataDir, '--port', String(this.port), ...this.extraArgs];
    this.serve = await spawnServe(args);
    this.secret ??= loadOrCreateSecret(this.dataDir);
  }

  /** SIGKILL: no shutdown code runs; only what SQLite committed survives. */
  async kill(): Promise<void> {
    const serve = this.serve;
    if (!serve) return;
    this.serve = undefined;
    serve.child.kill('SIGKILL');
    await serve.exited;
  }

  /** A token signed with the data directory's secret (valid across restarts). */
  token(sub: string, role: Role, ttl = '2h'): Promise<string> {
    if (!this.secret) throw new Error('the server has not started yet');
    return issueToken(this.secret, { sub, role, ttl });
  }

  /** What the current process printed (for failure messages). */
  output(): string {
    return this.serve?.output() ?? '';
  }
}

/**
 * SIGKILLs the server, checks that the file it left is sound (`pragma integrity_check`), and
 * starts it again. Returns the stored state of `sessionIds` at the moment of the kill.
 */
export async function killAndRestart(
  server: CrashableServer,
  sessionIds: string[] = [],
): Promise<Record<string, string>> {
  await server.kill();
  tally.kill();
  const states = statesAtKill(server.dataDir, sessionIds);
  expect(integrity(server.dataDir), 'the database after a SIGKILL').toBe('ok');
  await server.start();
  return states;
}
