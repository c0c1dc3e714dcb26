// The real `sigsocket participant` as a child process (auto-approve), with its identity key
// file and keystore in a directory of its own, so it can be SIGKILLed at any moment and started
// again on the same keystore.
import fs from 'node:fs';
import path from 'node:path';
import { spawnCliUntil, type CliProcess } from '../../support/cli.js';
import { tempDir } from '../../support/server.js';
import type { TokenSource } from '../../support/sessions.js';
import { tally } from './crash-figures.js';

export class CrashableParticipant {
  private process: CliProcess | undefined;
  /** Output of the processes that ended. */
  private earlier = '';

  private constructor(
    readonly name: string,
    private readonly server: TokenSource,
    private readonly dir: string,
  ) {}

  static async start(name: string, server: TokenSource): Promise<CrashableParticipant> {
    const participant = new CrashableParticipant(name, server, tempDir('sigsocket-crash-agent-'));
    await participant.start();
    return participant;
  }

  get keystoreDir(): string {
    return path.join(this.dir, 'keystore');
  }

  /** (Re)starts the process; resolves once its inbox subscription is open. */
  async start(): Promise<void> {
    if (this.process) throw new Error(`${this.name} is already running`);
    const args = ['participant', '--key-file', path.join(this.dir, 'identity.key')];
    args.push('--keystore', this.keystoreDir, '--auto-approve', '--server', this.server.url);
    const token = await this.server.token(this.name, 'participant', '2h');
    this.process = await spawnCliUntil(args, /inbox open/, { env: { SIGSOCKET_TOKEN: token } });
  }

  /** SIGKILL: whatever it was doing stops there (counted in the crash figures). */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
    tally.kill();
  }

  /** SIGTERM: the agent finishes the handlers under way and exits. */
  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const process = this.process;
    if (!process) return;
    this.process = undefined;
    process.child.kill(signal);
    await process.exited;
    this.earlier += process.output();
  }

  /** Everything it printed, across restarts. */
  output(): string {
    return this.earlier + (this.process?.output() ?? '');
  }

  /** The last event id its keystore's inbox cursor covers (docs/participant.md). */
  cursor(): { lastEventId: string | null; handledAbove: number[] } {
    const text = fs.readFileSync(path.join(this.keystoreDir, 'cursor.json'), 'utf8');
    return JSON.parse(text) as { lastEventId: string | null; handledAbove: number[] };
  }
}
