// The single-key half of the demo: `POST /sign` (real HTTP, bearer token) to the legacy signer.
import { base64Encode } from '../../protocol/encoding.js';
import type { SigningHttpClient } from '../../client/signing-http.js';
import type { DemoOutput } from './output.js';
import { ecdsaChecks, type Check } from './verify.js';

export interface SingleKeyRun {
  publicKey: string;
  /** The message as text and as sent (base64). */
  text: string;
  message: string;
  /** The signature exactly as the signer sent it (base64). */
  signature: string;
  checks: Check[];
}

export async function runSingleKey(
  http: SigningHttpClient,
  publicKey: string,
  out: DemoOutput,
): Promise<SingleKeyRun> {
  out.heading(`single-key signing: POST /sign to the legacy signer ${publicKey}`);
  const text = `SigSocket demo: a single-key signature (${new Date().toISOString()})`;
  const message = new TextEncoder().encode(text);
  out.field('message', JSON.stringify(text));
  const answer = await http.sign({ publicKey, message });
  const signature = base64Encode(answer.signature);
  out.field('signature', `${signature} (base64, ${answer.signature.length} bytes)`);
  const echoed = Buffer.from(answer.message).equals(Buffer.from(message));
  const checks = [
    { what: 'the response echoes the message', ok: echoed },
    ...ecdsaChecks({ publicKey, message, signature: answer.signature }),
  ];
  for (const check of checks) out.check(check);
  return { publicKey, text, message: base64Encode(message), signature, checks };
}
