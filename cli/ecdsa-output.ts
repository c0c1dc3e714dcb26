// How `keygen`, `sign` and `watch` print a completed dkls23-secp256k1 session: the addresses
// of a new key; r, s, v, the recovery id, DER and the address a signature recovers, each
// signature checked here (cli/ecdsa-checks.ts) before it is reported as good.
import { DKLS_KEYGEN_KIND } from '../protocol/dkls23/sessions/keygen-types.js';
import { DKLS_SIGN_KIND } from '../protocol/dkls23/sessions/sign-types.js';
import type { KeyView, SessionView } from '../protocol/session-view.js';
import { describeIssues } from '../protocol/validation.js';
import {
  EcdsaSignResultSchema,
  ethereumV,
  p2wpkhCheck,
  thresholdEcdsaChecks,
  type EcdsaCheck,
} from './ecdsa-checks.js';
import { CliError } from './output.js';

/** Which ECDSA session `view` is (its outcome printed here), or undefined for any other. */
export function ecdsaSessionOf(view: SessionView): 'keygen' | 'sign' | undefined {
  if (view.kind === DKLS_KEYGEN_KIND) return 'keygen';
  if (view.kind === DKLS_SIGN_KIND) return 'sign';
  return undefined;
}

const line = (name: string, value: string | number) => `  ${name.padEnd(15)} ${value}`;
const checkLine = (c: EcdsaCheck) =>
  `  ${(c.ok ? 'verified' : 'NOT VERIFIED').padEnd(15)} ${c.what}`;

export interface EcdsaOutcome {
  lines: string[];
  checks: EcdsaCheck[];
}

/** A completed keygen: the key, its Bitcoin (P2WPKH) and Ethereum (EIP-55) addresses. */
export function ecdsaKeygenOutcome(view: SessionView): EcdsaOutcome {
  const result = view.result ?? {};
  const text = (name: string) => (typeof result[name] === 'string' ? result[name] : '');
  const groupPublicKey = text('groupPublicKey');
  const checks = [p2wpkhCheck(text('address'), groupPublicKey)];
  const lines = [
    `${view.kind} ${view.id} completed`,
    line('keyId', text('keyId')),
    line('groupPublicKey', groupPublicKey),
    line('ethereumAddress', `${text('ethereumAddress')} (Ethereum, EIP-55)`),
    line('address', `${text('address')} (Bitcoin, P2WPKH)`),
    ...checks.map(checkLine),
  ];
  return { lines, checks };
}

/**
 * A completed signing: r, s, v, recovery id, DER, the Ethereum signature and the address it
 * recovers, checked against `key` (from key.get) and, if given, the digest expected.
 */
export function ecdsaSignOutcome(
  view: SessionView,
  key: Pick<KeyView, 'groupPublicKey' | 'ethereumAddress'>,
  expectedDigest?: string,
): EcdsaOutcome {
  const parsed = EcdsaSignResultSchema.safeParse(view.result);
  if (!parsed.success) {
    const why = describeIssues(parsed.error, { root: 'result' });
    throw new CliError('CLI_API', `sign ${view.id}: the result is not an ECDSA signature: ${why}`);
  }
  const result = parsed.data;
  const { recovered, checks } = thresholdEcdsaChecks(result, key, expectedDigest);
  const matches = recovered !== null && checks.every((c) => c.ok);
  const lines = [
    `${view.kind} ${view.id} completed`,
    line('keyId', result.keyId),
    line('digest', result.digest),
    line('r', result.r),
    line('s', `${result.s} (low-S)`),
    line('v', ethereumV(result.recoveryId)),
    line('recoveryId', result.recoveryId),
    line('der', result.der),
    line('signature', `${result.signature} (r ‖ s)`),
    line('ethereum', `${result.ethereum} (r ‖ s ‖ v)`),
    line(
      'recovers',
      `${recovered ?? 'no key'} (${matches ? 'equals' : 'is NOT'} the key's Ethereum address)`,
    ),
    ...checks.map(checkLine),
  ];
  return { lines, checks };
}

/** The outcome's checks that failed, as a CliError (exit 1), or undefined if all passed. */
export function failedChecks(view: SessionView, outcome: EcdsaOutcome): CliError | undefined {
  const failed = outcome.checks.filter((c) => !c.ok).map((c) => c.what);
  if (failed.length === 0) return undefined;
  const what = `${view.kind} ${view.id} completed, but not verified here`;
  return new CliError('CLI_VERIFY', `${what}: ${failed.join('; ')}`);
}
