// Legacy signers in a process of their own, for benchmarks whose server runs in the measuring
// process (the in-process sendToSign row of legacy-signing): the signers' WebSocket work then
// costs that process nothing, as it would if they were on other machines. The parent forks
// this file and sends the prepared signers (keys, messages, precomputed answers) over IPC; the
// child connects them (each passes proof of possession) and answers { connected }.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type WebSocket from 'ws';
import { connectSigners, type PreparedSigner } from './legacy-signers.js';

interface WireSigner {
  publicKey: string;
  secretKey: string;
  messages: string[];
  answers: [string, string][];
}
interface Request {
  wsUrl: string;
  signers: WireSigner[];
}
interface Reply {
  connected: number;
  error?: string;
}

/** The parent's side: one forked process holding `signers`, connected to `wsUrl`. */
export class SignerProcess {
  private readonly child: ChildProcess;

  private constructor() {
    this.child = fork(fileURLToPath(import.meta.url), ['--serve'], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }

  /** Forks the process and resolves once every signer's socket is open and introduced. */
  static async connect(wsUrl: string, signers: PreparedSigner[]): Promise<SignerProcess> {
    const crowd = new SignerProcess();
    const request: Request = {
      wsUrl,
      signers: signers.map((s) => ({
        publicKey: s.publicKey,
        secretKey: Buffer.from(s.secretKey).toString('hex'),
        messages: s.messages,
        answers: [...s.answers],
      })),
    };
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`signer process exited (${code})`));
      crowd.child.once('exit', onExit);
      crowd.child.once('message', (reply: Reply) => {
        crowd.child.off('exit', onExit);
        if (reply.error) reject(new Error(`signer process: ${reply.error}`));
        else resolve();
      });
      crowd.child.send(request);
    });
    return crowd;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** The signer process itself. */
function serve(): void {
  let sockets: WebSocket[] = [];
  process.on('message', async ({ wsUrl, signers }: Request) => {
    try {
      const prepared: PreparedSigner[] = signers.map((s) => ({
        publicKey: s.publicKey,
        secretKey: new Uint8Array(Buffer.from(s.secretKey, 'hex')),
        messages: s.messages,
        answers: new Map(s.answers),
      }));
      sockets = await connectSigners(wsUrl, prepared, () => {});
      process.send!({ connected: sockets.length } satisfies Reply);
    } catch (err) {
      process.send!({ connected: sockets.length, error: (err as Error).message } satisfies Reply);
    }
  });
  process.on('SIGTERM', () => {
    for (const s of sockets) s.terminate();
    process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--serve')) serve();
