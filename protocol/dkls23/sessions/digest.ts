/**
 * The 32-byte digest an ECDSA signing signs when the request gives a message and a `hash`
 * (docs/ecdsa.md, Signing): SHA-256, Keccak-256, or EIP-191 (`personal_sign`: Keccak-256 of
 * "\x19Ethereum Signed Message:\n" ‖ the decimal byte length ‖ the message).
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { SignHash } from '../../sessions.js';

export function digestOf(hash: SignHash, message: Uint8Array): Uint8Array {
  switch (hash) {
    case 'sha256':
      return sha256(message);
    case 'keccak256':
      return keccak_256(message);
    case 'eip191': {
      const prefix = utf8ToBytes(`\x19Ethereum Signed Message:\n${message.length}`);
      return keccak_256(concatBytes(prefix, message));
    }
  }
}
