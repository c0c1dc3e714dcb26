import { Option, type Command } from 'commander';
import { SignCreateInputSchema, SignHashSchema, type SignHash } from '../../protocol/sessions.js';
import { startSign } from '../../client/coordinator/index.js';
import { addClientOptions } from '../client-options.js';
import { digestOf } from '../ecdsa-digest.js';
import { CliError } from '../output.js';
import { startAndFollow } from '../session-runner.js';
import {
  jsonOption,
  parseFlags,
  participantsOption,
  sessionIdOption,
  splitNames,
  timeoutOption,
  timeoutsOf,
  type StartFlags,
} from '../session-options.js';

interface SignFlags extends StartFlags {
  key: string;
  message?: string;
  digest?: string;
  hash?: SignHash;
  participants: string;
}

const HELP = `
What is signed:
  FROST keys sign --message as given (RFC 9591: no pre-hash); --digest and --hash are refused
  (BAD_REQUEST).
  dkls23-secp256k1 keys (threshold ECDSA) sign a 32-byte digest: --digest HEX as given (e.g. an
  Ethereum transaction hash), or --message HEX --hash sha256|keccak256|eip191 (eip191: Ethereum's
  personal_sign, "\\x19Ethereum Signed Message:\\n" + length + message, then keccak-256).
  A completed ECDSA signing prints r, s (low-S), v (27 + recovery id & 1), the recovery id, DER,
  the 65-byte Ethereum signature and the Ethereum address the signature recovers, checked here
  (noble) against the key's; a signature that does not check out exits 1.`;

/** The flags of what to sign; --message xor --digest, --hash only with --message. */
function whatToSign(flags: SignFlags): { message?: string; digest?: string; hash?: SignHash } {
  if ((flags.message === undefined) === (flags.digest === undefined)) {
    throw new CliError('CLI_USAGE', 'give exactly one of --message and --digest');
  }
  if (flags.hash !== undefined && flags.message === undefined) {
    throw new CliError('CLI_USAGE', '--hash applies to --message, not to --digest');
  }
  return {
    ...(flags.message !== undefined ? { message: flags.message } : {}),
    ...(flags.digest !== undefined ? { digest: flags.digest } : {}),
    ...(flags.hash !== undefined ? { hash: flags.hash } : {}),
  };
}

export function registerSign(program: Command): void {
  const cmd = program
    .command('sign')
    .description(
      'have t participants of a threshold key sign a message or digest; exit 0 only if it completes',
    )
    .addOption(
      new Option('--key <keyId>', 'the key (from keygen)')
        .env('SIGSOCKET_KEY')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--message <hex>',
        'the message, hex (FROST: signed as given; ECDSA: hashed with --hash)',
      ).env('SIGSOCKET_MESSAGE'),
    )
    .addOption(
      new Option('--digest <hex>', 'ECDSA keys: a 32-byte digest, hex, signed as given').env(
        'SIGSOCKET_DIGEST',
      ),
    )
    .addOption(
      new Option('--hash <hash>', 'ECDSA keys: how --message is hashed first')
        .choices(SignHashSchema.options)
        .env('SIGSOCKET_HASH'),
    )
    .addOption(participantsOption('signers (at least t of the key holders)'))
    .addOption(timeoutOption())
    .addOption(sessionIdOption())
    .addOption(jsonOption())
    .addHelpText('after', HELP);
  addClientOptions(cmd);
  cmd.action(async (flags: SignFlags) => {
    const input = parseFlags(
      SignCreateInputSchema,
      {
        keyId: flags.key,
        ...whatToSign(flags),
        participants: splitNames(flags.participants),
        ...(flags.sessionId !== undefined ? { sessionId: flags.sessionId } : {}),
        timeouts: timeoutsOf(flags.timeoutMs),
      },
      {
        keyId: '--key',
        message: '--message',
        digest: '--digest',
        hash: '--hash',
        participants: '--participants',
        sessionId: '--session-id',
        timeouts: '--timeout-ms',
      },
    );
    // Computed here, not taken from the server: an ECDSA result must have signed this digest.
    const expectedDigest =
      input.digest ??
      (input.message !== undefined && input.hash !== undefined
        ? digestOf(input.message, input.hash)
        : undefined);
    await startAndFollow(flags, (client) => startSign(client, input), {
      ...(expectedDigest !== undefined ? { expectedDigest } : {}),
    });
  });
}
