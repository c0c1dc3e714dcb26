// The threshold half of the demo: a t-of-n keygen among all parties, then t of them sign.
import { bytesToHex } from '../../protocol/encoding.js';
import { schemeInfo, type Scheme } from '../../protocol/frost/index.js';
import type { SessionView } from '../../protocol/session-view.js';
import { followSession, startKeygen, startSign } from '../../client/coordinator/index.js';
import type { SigSocketClient } from '../../client/trpc.js';
import type { DemoOutput } from './output.js';
import { thresholdChecks, type Check } from './verify.js';

export interface ThresholdRun {
  scheme: Scheme;
  keygen: {
    sessionId: string;
    keyId: string;
    groupPublicKey: string;
    /** The key's address where the scheme has one (P2TR, Solana), else null. */
    address: string | null;
    participants: string[];
  };
  signing: {
    sessionId: string;
    signers: string[];
    /** The message as text and as the hex that was signed (no pre-hash). */
    text: string;
    message: string;
    signature: string;
  };
  checks: Check[];
}

async function follow(client: SigSocketClient, sessionId: string, out: DemoOutput) {
  const display = out.progress();
  try {
    return await followSession(client, sessionId, (p) => display.update(p));
  } finally {
    display.close();
  }
}

function resultOf(view: SessionView): Record<string, unknown> {
  return view.result ?? {};
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Keygen among `names`, then the last `threshold` of them sign (any t would do). */
export async function runThreshold(
  client: SigSocketClient,
  opts: { scheme: Scheme; threshold: number; names: string[] },
  out: DemoOutput,
): Promise<ThresholdRun> {
  const { scheme, threshold, names } = opts;
  out.heading(`keygen: ${scheme}, ${threshold}-of-${names.length} among ${names.join(', ')}`);
  const started = await startKeygen(client, { threshold, participants: names, scheme });
  const kg = resultOf(await follow(client, started.session.id, out));
  const keygen = {
    sessionId: started.session.id,
    keyId: str(kg['keyId']),
    groupPublicKey: str(kg['groupPublicKey']),
    address: str(kg['address']) || null,
    participants: names,
  };
  out.field('session', keygen.sessionId);
  out.field('key id', keygen.keyId);
  out.field('group key', keygen.groupPublicKey);
  const kind = schemeInfo(scheme).address?.kind ?? 'address';
  if (keygen.address) out.field(`${kind} address`, keygen.address);

  const signers = names.slice(names.length - threshold);
  const at = new Date().toISOString();
  const text = `SigSocket demo: a ${threshold}-of-${names.length} ${scheme} signature (${at})`;
  const message = bytesToHex(new TextEncoder().encode(text));
  const left = names.filter((n) => !signers.includes(n));
  const unneeded = left.length > 0 ? ` (${left.join(', ')} not needed)` : '';
  out.heading(`threshold signing by ${signers.join(', ')}${unneeded}`);
  out.field('message', JSON.stringify(text));
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
