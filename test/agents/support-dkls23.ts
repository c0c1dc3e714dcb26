// DKLs23 keys made and used by real agents through a real server, every signature checked by
// three independent verifiers: noble (prehash: false), OpenSSL on the DER, ethers' recovered
// address against the key's. Shared by the agent and fault tests of dkls23-secp256k1.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { recoverAddress } from 'ethers';
import { expect } from 'vitest';
import { followSession, startKeygen, startSign } from '../../client/coordinator/index.js';
import type { SigSocketClient } from '../../client/trpc.js';
import type { SessionView } from '../../protocol/session-view.js';
import { opensslVerifyEcdsa } from '../support/independent-verifiers.js';
import { resultOf } from './support.js';

export const DKLS = 'dkls23-secp256k1';
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
export const unhex = (h: string) => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));

export interface DklsKey {
  keyId: string;
  groupPublicKey: string;
  ethereumAddress: string;
}

/** Starts a t-of-n DKLs23 keygen (optionally with a chosen session id); returns its id. */
export async function dklsKeygen(
  coordinator: SigSocketClient,
  participants: string[],
  threshold: number,
  sessionId?: string,
): Promise<string> {
  const { session } = await startKeygen(coordinator, {
    threshold,
    participants,
    scheme: DKLS,
    ...(sessionId ? { sessionId } : {}),
  });
  return session.id;
}

/** The key of a completed keygen view (with its addresses checked for shape). */
export function keyOfView(view: SessionView): DklsKey {
  expect(view.state, JSON.stringify(view.error)).toBe('completed');
  const { keyId, groupPublicKey, ethereumAddress } = resultOf(view);
  expect(groupPublicKey).toMatch(/^0[23][0-9a-f]{64}$/);
  expect(ethereumAddress).toMatch(/^0x[0-9a-fA-F]{40}$/);
  return { keyId: keyId!, groupPublicKey: groupPublicKey!, ethereumAddress: ethereumAddress! };
}

/** Follows a keygen to its end and returns the key. */
export async function keyOf(coordinator: SigSocketClient, sessionId: string): Promise<DklsKey> {
  return keyOfView(await followSession(coordinator, sessionId));
}

/** Starts a signing of a fresh random digest (optionally with a chosen session id). */
export async function startDigestSign(
  coordinator: SigSocketClient,
  key: DklsKey,
  signers: string[],
  sessionId?: string,
): Promise<{ sessionId: string; digest: Uint8Array }> {
  const digest = randomBytes(32);
  const { session } = await startSign(coordinator, {
    keyId: key.keyId,
    digest: hex(digest),
    participants: signers,
    ...(sessionId ? { sessionId } : {}),
  });
  return { sessionId: session.id, digest };
}

/**
 * A completed signing's result is an ECDSA signature of `digest` under the key: noble
 * (`prehash: false`), OpenSSL (`pkeyutl -verify` on the DER) and ethers (`recoverAddress` is
 * the key's Ethereum address) all accept it.
 */
export async function expectValidSignature(
  view: SessionView,
  key: DklsKey,
  digest: Uint8Array,
): Promise<Record<string, string>> {
  expect(view.state, JSON.stringify(view.error)).toBe('completed');
  const result = resultOf(view);
  expect(result.digest).toBe(hex(digest));
  expect(result.keyId).toBe(key.keyId);
  expect(result.groupPublicKey).toBe(key.groupPublicKey);
  const pk = unhex(key.groupPublicKey);
  const compact = unhex(result.signature!);
  expect(compact.length).toBe(64);
  expect(secp256k1.verify(compact, digest, pk, { prehash: false }), 'noble').toBe(true);
  expect(secp256k1.verify(compact, randomBytes(32), pk, { prehash: false })).toBe(false);
  expect(await opensslVerifyEcdsa(pk, digest, unhex(result.der!)), 'OpenSSL').toBe(true);
  expect(recoverAddress('0x' + hex(digest), '0x' + result.ethereum!.replace(/^0x/, ''))).toBe(
    key.ethereumAddress,
  );
  return result;
}

/** Signs a fresh digest with `signers`, follows it to the end and checks it three ways. */
export async function signAndVerify(
  coordinator: SigSocketClient,
  key: DklsKey,
  signers: string[],
): Promise<{ sessionId: string; result: Record<string, string> }> {
  const { sessionId, digest } = await startDigestSign(coordinator, key, signers);
  const view = await followSession(coordinator, sessionId);
  return { sessionId, result: await expectValidSignature(view, key, digest) };
}

/** Every `size`-element subset of `items`, in lexicographic order. */
export function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  return items.flatMap((first, i) =>
    subsets(items.slice(i + 1), size - 1).map((rest) => [first, ...rest]),
  );
}

/** Runs `tasks` with at most `limit` under way at once; results in order. */
export async function inBatches<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
