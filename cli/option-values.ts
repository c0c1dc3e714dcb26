import type { Command } from 'commander';
import { CliError } from './output.js';

/**
 * Commander gives an option that takes a value the next word, whatever it is: in
 * `demo --data-dir --json`, the data directory would be `--json` (a directory of that name
 * would be created). A value typed on the command line that is one of the command's own options
 * is refused instead (values from SIGSOCKET_* variables are taken as they are).
 */
export function refuseOptionsAsValues(command: Command): void {
  const names = new Set(['--help', '-h']);
  for (const option of command.options) {
    if (option.long) names.add(option.long);
    if (option.short) names.add(option.short);
  }
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    const fromCommandLine = command.getOptionValueSource(option.attributeName()) === 'cli';
    if (fromCommandLine && typeof value === 'string' && names.has(value.split('=')[0]!)) {
      throw new CliError(
        'CLI_USAGE',
        `${option.long ?? option.short} needs a value, but was followed by ${value}`,
      );
    }
  }
}
