/** The name of the DKLs23 threshold-ECDSA scheme in keygen requests, invitations and keys. */
export const DKLS23_SCHEME = 'dkls23-secp256k1';
export type DklsScheme = typeof DKLS23_SCHEME;
