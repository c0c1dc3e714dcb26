// An ECDSA signing invitation shows the message its digest hashes: the agent declines one whose
// digest is not that hash (a server showing one message while asking for another's signature).
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hashMessage } from 'ethers';
import { describe, expect, it } from 'vitest';
import { digestMismatch } from '../../client/participant/invitations.js';
import type { SessionRecord } from '../../client/participant/records.js';

const message = Buffer.from('pay 1 ETH to 0xabc').toString('hex');

function invite(
  digest: string,
  hashed: { hash: 'keccak256' | 'eip191' | 'sha256'; message: string } | null,
) {
  return {
    kind: 'sign',
    accepted: false,
    invite: {
      sessionId: 'sg-1',
      coordinator: 'coord',
      scheme: 'dkls23-secp256k1',
      keyId: 'key_1',
      keygenSessionId: 'kg-1',
      message: digest,
      hashed,
      t: 2,
      partIndex: 1,
      participants: [],
      escrow: null,
      commitRound: 1,
      deadline: 0,
    },
  } as SessionRecord;
}

describe('the digest of an ECDSA signing invitation', () => {
  it('is accepted when it is the hash of the message shown (checked against ethers)', () => {
    const eip191 = hashMessage(Buffer.from(message, 'hex')).slice(2);
    expect(digestMismatch(invite(eip191, { hash: 'eip191', message }))).toBeNull();
    const keccak = Buffer.from(keccak_256(Buffer.from(message, 'hex'))).toString('hex');
    expect(digestMismatch(invite(keccak, { hash: 'keccak256', message }))).toBeNull();
    expect(digestMismatch(invite('11'.repeat(32), null))).toBeNull(); // a bare digest
  });

  it('is declined, saying why, when it is not', () => {
    const other = hashMessage('pay 100 ETH').slice(2);
    expect(digestMismatch(invite(other, { hash: 'eip191', message }))).toEqual({
      accept: false,
      reason: 'the digest to sign is not the eip191 of the message shown',
    });
  });
});
