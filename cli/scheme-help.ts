// The registered FROST schemes for `--help`. The list comes from SCHEMES, so a new suite shows
// up here without a change to the CLI.
import { SCHEMES, schemeInfo } from '../protocol/frost/schemes.js';

/** Per registered suite: its name and RFC 9591 title, then what accepts its signatures. */
export function schemesHelp(): string {
  const width = Math.max(...SCHEMES.map((s) => s.length));
  const lines = SCHEMES.map((scheme) => {
    const { title, acceptedBy, address } = schemeInfo(scheme);
    const where = address ? `; ${address.kind} address` : '';
    const indent = ' '.repeat(width + 4);
    return `  ${scheme.padEnd(width)}  ${title}${where}\n${indent}accepted by ${acceptedBy}`;
  });
  return `\nSchemes (--scheme):\n${lines.join('\n')}`;
}
