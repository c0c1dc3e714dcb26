import { Option, type Command } from 'commander';
import { THRESHOLD_SCHEMES, type ThresholdScheme } from '../../protocol/threshold-schemes.js';
import { serveOptions } from '../../server/config.js';
import { MAX_PARTIES } from '../demo/parties.js';
import { runDemo } from '../demo/run.js';
import { demoOutput, printDemoSummary } from '../demo-output.js';
import { CliError, printJson } from '../output.js';
import { EXIT_CODES } from '../session-runner.js';
import { schemesHelp } from '../scheme-help.js';
import { jsonOption, wantsJson } from '../session-options.js';

interface DemoFlags {
  dataDir?: string;
  scheme: string;
  threshold: string;
  parties: string;
  logLevel: string;
  json?: boolean;
}

function integerFlag(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2) {
    const got = JSON.stringify(value);
    throw new CliError('CLI_USAGE', `invalid ${flag} ${got}: expected an integer of at least 2`);
  }
  return n;
}

/** t and n, checked before anything starts. */
function thresholdOf(flags: DemoFlags): { threshold: number; parties: number } {
  const threshold = integerFlag(flags.threshold, '--threshold');
  const parties = integerFlag(flags.parties, '--parties');
  if (threshold > parties) {
    const why = 'a t-of-n key needs 2 ≤ t ≤ n';
    throw new CliError(
      'CLI_USAGE',
      `--threshold ${threshold} is more than --parties ${parties}: ${why}`,
    );
  }
  if (parties > MAX_PARTIES) {
    throw new CliError(
      'CLI_USAGE',
      `--parties ${parties}: the demo runs at most ${MAX_PARTIES} participants`,
    );
  }
  return { threshold, parties };
}

/**
 * `--scheme` values that name several schemes; `both` is the pair the demo first had; `all`
 * every FROST ciphersuite and DKLs23 threshold ECDSA.
 */
const SCHEME_SETS: Record<string, ThresholdScheme[]> = {
  both: ['frost-secp256k1', 'frost-secp256k1-tr'],
  all: [...THRESHOLD_SCHEMES],
};

/** Exit status: 0 all verified; 2-5 a session ended rejected/failed/timed_out/aborted; else 1. */
function exitCodeOf(state: string | undefined): number {
  return (EXIT_CODES as Record<string, number>)[state ?? ''] ?? 1;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'start a server, participant agents and a legacy signer in this process; run a t-of-n ' +
        'keygen, a threshold signing and a single-key POST /sign, and verify every signature',
    )
    .addOption(
      new Option('--data-dir <dir>', 'keep the data here (default: a temporary directory)').env(
        'SIGSOCKET_DATA_DIR',
      ),
    )
    .addOption(
      new Option(
        '--scheme <scheme>',
        'threshold signature scheme; both: the two secp256k1 FROST ones; all: each in turn',
      )
        .choices([...THRESHOLD_SCHEMES, ...Object.keys(SCHEME_SETS)])
        .default('frost-secp256k1')
        .env('SIGSOCKET_SCHEME'),
    )
    .addOption(
      new Option('--threshold <t>', 'signatures needed (t)')
        .default('2')
        .env('SIGSOCKET_THRESHOLD'),
    )
    .addOption(
      new Option('--parties <n>', 'participants (n)').default('3').env('SIGSOCKET_PARTIES'),
    )
    .addOption(
      new Option('--log-level <level>', 'server and agent logs (JSON on stderr)')
        .choices(serveOptions.logLevel.schema.options)
        .default('error')
        .env('SIGSOCKET_LOG_LEVEL'),
    )
    .addOption(jsonOption())
    .addHelpText('after', schemesHelp())
    .action(async (flags: DemoFlags) => {
      const json = wantsJson(flags);
      const { threshold, parties } = thresholdOf(flags);
      const schemes = SCHEME_SETS[flags.scheme] ?? [flags.scheme as ThresholdScheme];
      const result = await runDemo(
        {
          ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
          schemes,
          threshold,
          parties,
          logLevel: flags.logLevel,
        },
        demoOutput({ json }),
      );
      if (json) printJson(result);
      else printDemoSummary(result);
      if (result.error) {
        throw new CliError(
          'CLI_SESSION_ENDED',
          `demo failed: ${result.error.message}`,
          exitCodeOf(result.error.state),
        );
      }
    });
}
