// The threshold half of the demo: a t-of-n keygen among all parties, then t of them sign.
import { bytesToHex } from '../../protocol/encoding.js';
import { schemeInfo, type Scheme } from '../../protocol/frost/index.js';
import type { SessionView } from '../../protocol/session-view.js';
import type { SignHash } from '../../protocol/sessions.js';
import type { ThresholdScheme } from '../../protocol/threshold-schemes.js';
import { followSession, startKeygen, startSign } from '../../client/coordinator/index.js';
import type { SigSocketClient } from '../../client/trpc.js';
import type { DemoOutput } from './output.js';
import { thresholdChecks, type Check } from './verify.js';

/** What an ECDSA (dkls23-secp256k1) signing returned besides r ‖ s, as the demo printed it. */
export interface EcdsaSigning {
  hash: SignHash;
  /** The 32-byte digest that was signed (the server's; checked against ours). */
  digest: string;
  r: string;
  s: string;
  v: number;
  recoveryId: number;
  der: string;
  /** r ‖ s ‖ v. */
  ethereum: string;
  /** The Ethereum address the signature recovers (null if none). */
  recoveredAddress: string | null;
}

export interface ThresholdRun {
  scheme: ThresholdScheme;
  keygen: {
    sessionId: string;
    keyId: string;
    groupPublicKey: string;
    /** The key's address where the scheme has one (P2TR, P2WPKH, Solana), else null. */
    address: string | null;
    /** dkls23-secp256k1: the key's EIP-55 Ethereum address. */
    ethereumAddress?: string;
    participants: string[];
  };
  signing: {
    sessionId: string;
    signers: string[];
    /** The message as text and as hex (FROST signs it as given; ECDSA signs its `hash`). */
    text: string;
    message: string;
    /** FROST: the scheme's signature; ECDSA: r ‖ s. */
    signature: string;
    ecdsa?: EcdsaSigning;
  };
  checks: Check[];
}

export async function follow(client: SigSocketClient, sessionId: string, out: DemoOutput) {
  const display = out.progress();
  try {
    return await followSession(client, sessionId, (p) => display.update(p));
  } finally {
    display.close();
  }
}

export function resultOf(view: SessionView): Record<string, unknown> {
  return view.result ?? {};
}

export const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A keygen among `names`, followed to its end; prints the session, key id and group key. */
export async function demoKeygen(
  client: SigSocketClient,
  opts: { scheme: ThresholdScheme; threshold: number; names: string[] },
  out: DemoOutput,
) {
  const { scheme, threshold, names } = opts;
  out.heading(`keygen: ${scheme}, ${threshold}-of-${names.length} among ${names.join(', ')}`);
  const started = await startKeygen(client, { threshold, participants: names, scheme });
  const result = resultOf(await follow(client, started.session.id, out));
  const keygen = {
    sessionId: started.session.id,
    keyId: str(result['keyId']),
    groupPublicKey: str(result['groupPublicKey']),
    address: str(result['address']) || null,
    participants: names,
  };
  out.field('session', keygen.sessionId);
  out.field('key id', keygen.keyId);
  out.field('group key', keygen.groupPublicKey);
  return { keygen, result };
}

/** The last `threshold` of `names` sign (any t would do) a dated demo message; prints the plan. */
export function signingPlan(
  opts: { scheme: ThresholdScheme; threshold: number; names: string[] },
  out: DemoOutput,
) {
  const { scheme, threshold, names } = opts;
  const signers = names.slice(names.length - threshold);
  const at = new Date().toISOString();
  const text = `SigSocket demo: a ${threshold}-of-${names.length} ${scheme} signature (${at})`;
  const message = bytesToHex(new TextEncoder().encode(text));
  const left = names.filter((n) => !signers.includes(n));
  const unneeded = left.length > 0 ? ` (${left.join(', ')} not needed)` : '';
  out.heading(`threshold signing by ${signers.join(', ')}${unneeded}`);
  out.field('message', JSON.stringify(text));
  return { signers, text, message };
}

/** Keygen among `names`, then the last `threshold` of them sign. */
export async function runThreshold(
  client: SigSocketClient,
  opts: { scheme: Scheme; threshold: number; names: string[] },
  out: DemoOutput,
): Promise<ThresholdRun> {
  const { scheme } = opts;
  const { keygen } = await demoKeygen(client, opts, out);
  const kind = schemeInfo(scheme).address?.kind ?? 'address';
  if (keygen.address) out.field(`${kind} address`, keygen.address);

  const { signers, text, message } = signingPlan(opts, out);
  const sign = await startSign(client, { keyId: keygen.keyId, message, participants: signers });
  const sg = resultOf(await follow(client, sign.session.id, out));
  const signature = str(sg['signature']);
  out.field('session', sign.session.id);
  out.field('message (hex)', message);
  out.field('signature', signature);
  const checks = thresholdChecks({ ...keygen, scheme, message, signature });
  for (const check of checks) out.check(check);
  return {
    scheme,
    keygen,
    signing: { sessionId: sign.session.id, signers, text, message, signature },
    checks,
  };
}
