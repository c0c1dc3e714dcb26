import type { Command } from 'commander';
import { CliError } from './output.js';

/**
 * Commander gives an option that takes a value the next word, whatever it is: in
 * `demo --data-dir --json`, the data directory would be `--json` (a directory of that name
 * would be created). A value that is one of the command's own options is refused instead.
 */
export function refuseOptionsAsValues(command: Command): void {
  const names = new Set(['--help', '-h']);
  for (const option of command.options) {
    if (option.long) names.add(option.long);
    if (option.short) names.add(option.short);
  }
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    if (typeof value === 'string' && names.has(value.split('=')[0]!)) {
      throw new CliError(
        `${option.long ?? option.short} needs a value, but was followed by ${value}`,
      );
    }
  }
}
