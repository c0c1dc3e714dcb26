// Idle connections held by a separate process, so the load generator that measures latency
// does not carry 10,000 sockets in its own heap (its GC pauses would show up as latency). The
// parent (connection-scale) forks this file and asks over IPC: { signers: K } connects idle
// legacy signers up to K in total (each passes proof of possession), { subscriptions: S } opens
// S idle participant.inbox subscriptions; each request is answered { signers, subscriptions }.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type WebSocket from 'ws';
import { issueToken } from '../../server/auth/jwt.js';
import { secretFromString } from '../../server/auth/secret.js';
import { subscribeInboxes, type InboxSubscribers } from './inbox-subscribers.js';
import { connectSigners, prepareSigners } from './legacy-signers.js';

interface Request {
  signers?: number;
  subscriptions?: number;
}
interface Reply {
  signers: number;
  subscriptions: number;
  error?: string;
}

/** The parent's side: a forked crowd process for the server at `url`. */
export class IdleCrowd {
  private readonly child: ChildProcess;

  constructor(url: string, jwtSecret: string) {
    this.child = fork(fileURLToPath(import.meta.url), [url], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, SIGSOCKET_BENCH_JWT_SECRET: jwtSecret },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }

  /** The crowd process's pid (connection-scale reads its open-file limit). */
  get pid(): number {
    return this.child.pid!;
  }

  /** Grows the crowd; resolves once every connection is up (signers: socket open and introduced). */
  ask(request: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`idle crowd exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: Reply) => {
        this.child.off('exit', onExit);
        if (reply.error) reject(new Error(`idle crowd: ${reply.error}`));
        else resolve(reply);
      });
      this.child.send(request);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** The crowd process itself. */
async function serve(url: string, secret: string): Promise<void> {
  const key = secretFromString(secret);
  const sockets: WebSocket[] = [];
  const subscribers: InboxSubscribers[] = [];
  let subscriptions = 0;
  process.on('message', async (request: Request) => {
    try {
      if (request.signers && request.signers > sockets.length) {
        const more = prepareSigners(request.signers - sockets.length, 0);
        sockets.push(...(await connectSigners(url.replace(/^http/, 'ws'), more, () => {})));
      }
      if (request.subscriptions && request.subscriptions > subscriptions) {
        const token = (sub: string) => issueToken(key, { sub, role: 'participant', ttl: '2h' });
        const prefix = `idle-${subscribers.length}`;
        subscribers.push(
          await subscribeInboxes(url, token, request.subscriptions - subscriptions, prefix),
        );
        subscriptions = request.subscriptions;
      }
      process.send!({ signers: sockets.length, subscriptions } satisfies Reply);
    } catch (err) {
      process.send!({
        signers: sockets.length,
        subscriptions,
        error: (err as Error).message,
      } satisfies Reply);
    }
  });
  process.once('SIGTERM', () => {
    for (const s of sockets) s.terminate();
    void Promise.all(subscribers.map((s) => s.close())).finally(() => process.exit(0));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  await serve(process.argv[2]!, process.env['SIGSOCKET_BENCH_JWT_SECRET']!);
}
