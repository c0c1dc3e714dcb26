// What an ECDSA signing signs, computed here again from the message the user gave: the CLI and
// the demo compare it with the digest the server reports instead of taking the server's word.
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToHex, hexToBytes } from '../protocol/encoding.js';
import type { SignHash } from '../protocol/sessions.js';

/** The 32-byte digest of `message` (hex) under `hash`, hex. `eip191` is Ethereum's personal_sign. */
export function digestOf(message: string, hash: SignHash): string {
  const bytes = hexToBytes(message);
  switch (hash) {
    case 'sha256':
      return bytesToHex(sha256(bytes));
    case 'keccak256':
      return bytesToHex(keccak_256(bytes));
    case 'eip191': {
      // EIP-191 version 0x45: "\x19Ethereum Signed Message:\n" + decimal length + message.
      const prefix = utf8ToBytes(`\x19Ethereum Signed Message:\n${bytes.length}`);
      return bytesToHex(keccak_256(concatBytes(prefix, bytes)));
    }
  }
}
