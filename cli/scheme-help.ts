// The registered threshold schemes for `--help`. The FROST list comes from SCHEMES, so a new
// suite shows up here without a change to the CLI; DKLs23 threshold ECDSA follows it.
import { dklsSuite } from '../protocol/dkls23/suite.js';
import { SCHEMES, schemeInfo } from '../protocol/frost/schemes.js';
import { THRESHOLD_SCHEMES } from '../protocol/threshold-schemes.js';

/** Per registered scheme: its name and title, then what accepts its signatures. */
export function schemesHelp(): string {
  const width = Math.max(...THRESHOLD_SCHEMES.map((s) => s.length));
  const indent = ' '.repeat(width + 4);
  const entry = (scheme: string, title: string, acceptedBy: string) =>
    `  ${scheme.padEnd(width)}  ${title}\n${indent}accepted by ${acceptedBy}`;
  const frost = SCHEMES.map((scheme) => {
    const { title, acceptedBy, address } = schemeInfo(scheme);
    return entry(scheme, `${title}${address ? `; ${address.kind} address` : ''}`, acceptedBy);
  });
  const ecdsa = entry(
    dklsSuite.scheme,
    `threshold ECDSA, DKLs23 (secp256k1); Ethereum and P2WPKH addresses; signs 32-byte digests`,
    dklsSuite.acceptedBy,
  );
  return `\nSchemes (--scheme):\n${[...frost, ecdsa].join('\n')}`;
}
