// The threshold half of the demo for dkls23-secp256k1 (threshold ECDSA): a t-of-n keygen, then t
// parties sign the EIP-191 digest of a demo message (Ethereum's personal_sign) and the signature
// is checked here as a wallet would: noble's ECDSA verification and the address it recovers.
import { DKLS23_SCHEME } from '../../protocol/dkls23/sessions/messages.js';
import type { SignHash } from '../../protocol/sessions.js';
import { startSign } from '../../client/coordinator/index.js';
import type { SigSocketClient } from '../../client/trpc.js';
import { digestOf } from '../ecdsa-digest.js';
import {
  EcdsaSignResultSchema,
  ethereumV,
  p2wpkhCheck,
  thresholdEcdsaChecks,
} from '../ecdsa-checks.js';
import type { DemoOutput } from './output.js';
import { demoKeygen, follow, resultOf, signingPlan, str, type ThresholdRun } from './threshold.js';
import type { Check } from './verify.js';

/** personal_sign: what a wallet shows and signs for a text message. */
const HASH: SignHash = 'eip191';

export async function runEcdsaThreshold(
  client: SigSocketClient,
  opts: { threshold: number; names: string[] },
  out: DemoOutput,
): Promise<ThresholdRun> {
  const scheme = DKLS23_SCHEME;
  const { keygen, result } = await demoKeygen(client, { ...opts, scheme }, out);
  const ethereumAddress = str(result['ethereumAddress']);
  if (keygen.address) out.field('P2WPKH address', keygen.address);
  out.field('Ethereum address', ethereumAddress);
  // The stored key (key.get, the `keys` columns) must say what the keygen announced.
  const stored = await client.key.get.query({ keyId: keygen.keyId });
  const keyChecks: Check[] = [
    p2wpkhCheck(keygen.address ?? '', keygen.groupPublicKey),
    {
      what: 'key.get has the keygen’s P2WPKH and Ethereum addresses',
      ok: stored.address === keygen.address && stored.ethereumAddress === ethereumAddress,
    },
  ];

  const { signers, text, message } = signingPlan({ ...opts, scheme }, out);
  const keyId = keygen.keyId;
  const sign = await startSign(client, { keyId, message, hash: HASH, participants: signers });
  const signed = EcdsaSignResultSchema.parse(resultOf(await follow(client, sign.session.id, out)));
  const expected = digestOf(message, HASH);
  const { recovered, checks } = thresholdEcdsaChecks(
    signed,
    { groupPublicKey: keygen.groupPublicKey, ethereumAddress },
    expected,
  );
  const ecdsa = {
    hash: HASH,
    digest: signed.digest,
    r: signed.r,
    s: signed.s,
    v: ethereumV(signed.recoveryId),
    recoveryId: signed.recoveryId,
    der: signed.der,
    ethereum: signed.ethereum,
    recoveredAddress: recovered,
  };
  out.field('session', sign.session.id);
  out.field('message (hex)', message);
  out.field('hash', `${HASH} (Ethereum personal_sign: keccak-256 of the prefixed message)`);
  out.field('digest', ecdsa.digest);
  out.field('r', ecdsa.r);
  out.field('s', ecdsa.s);
  out.field('v', String(ecdsa.v));
  out.field('recovery id', String(ecdsa.recoveryId));
  out.field('der', ecdsa.der);
  out.field('signature', signed.signature);
  out.field('ethereum', ecdsa.ethereum);
  out.field('recovers', recovered ?? 'no key');
  const all = [...keyChecks, ...checks];
  for (const check of all) out.check(check);
  return {
    scheme,
    keygen: { ...keygen, ethereumAddress },
    signing: {
      sessionId: sign.session.id,
      signers,
      text,
      message,
      signature: signed.signature,
      ecdsa,
    },
    checks: all,
  };
}
