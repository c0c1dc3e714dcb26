/**
 * What a holder signs with its identity key once it has deleted its share of a key (ECDSA over
 * SHA-256, like the identity proof): `sigsocket-key-destroyed:v1:<keyId>:<epoch>` in UTF-8.
 * docs/lifecycle.md, Destroy.
 *
 * @module
 */
export function destroyStatement(keyId: string, epoch: number): Uint8Array {
  return new TextEncoder().encode(`sigsocket-key-destroyed:v1:${keyId}:${epoch}`);
}
