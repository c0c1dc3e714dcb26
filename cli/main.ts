import { Command, CommanderError } from 'commander';
import { ConfigError } from '../server/config.js';
import { TlsConfigError } from '../server/tls.js';
import { DataDirLockedError } from '../db/lock.js';
import { registerDemo } from './commands/demo.js';
import { registerDevCert } from './commands/dev-cert.js';
import { registerKeygen } from './commands/keygen.js';
import { registerLegacySigner } from './commands/legacy-signer.js';
import { registerParticipant } from './commands/participant.js';
import { registerServe } from './commands/serve.js';
import { registerSessions } from './commands/sessions.js';
import { registerSign } from './commands/sign.js';
import { registerSigner } from './commands/signer.js';
import { registerToken } from './commands/token.js';
import { registerWatch } from './commands/watch.js';
import { refuseOptionsAsValues } from './option-values.js';
import { CliError } from './output.js';

const program = new Command('sigsocket')
  .description('SigSocket: remote single-key signing and FROST threshold keys over secp256k1')
  .showHelpAfterError()
  .exitOverride()
  .hook('preAction', (_program, command) => refuseOptionsAsValues(command));

registerServe(program);
registerToken(program);
registerDevCert(program);
registerSigner(program);
registerLegacySigner(program);
registerParticipant(program);
registerKeygen(program);
registerSign(program);
registerWatch(program);
registerSessions(program);
registerDemo(program);

const expected = [CliError, ConfigError, TlsConfigError, DataDirLockedError];

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (expected.some((cls) => err instanceof cls)) {
    process.stderr.write(`sigsocket: ${(err as Error).message}\n`);
    process.exit(err instanceof CliError ? err.exitCode : 1);
  }
  if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE') {
    process.stderr.write(
      `sigsocket: ${err.message}: the port is taken; choose another with --port\n`,
    );
    process.exit(1);
  }
  throw err;
}
