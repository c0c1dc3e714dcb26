import { systemClock, type Clock } from '../clock.js';
import type { z } from 'zod';
import { recordAudit } from '../../db/audit.js';
import type { Db } from '../../db/open.js';
import {
  getParticipantRow,
  listParticipantRows,
  upsertParticipantRow,
} from '../../db/participants.js';
import { defaultVerifier, type SignatureVerifier } from '../../protocol/ecdsa/verifier.js';
import { hexToBytes, publicKeyFromBytes } from '../../protocol/encoding.js';
import { AppError } from '../../protocol/errors.js';
import type { Principal } from '../../protocol/identity.js';
import type {
  ChallengeView,
  ParticipantView,
  RegisterResult,
} from '../../protocol/session-view.js';
import { identityProofMessage, type RegisterInputSchema } from '../../protocol/sessions.js';
import { ChallengeStore, type ChallengeLimits } from './challenges.js';

export type RegisterInput = z.output<typeof RegisterInputSchema>;

/**
 * Participants' identity keys (docs/sessions.md, API): registered once with proof of possession (an ECDSA
 * signature over `identityProofMessage(name, key, challenge)` with a fresh challenge);
 * replacing a key needs the old key's signature over the same message, or an admin.
 */
export class IdentityService {
  private readonly challenges: ChallengeStore;
  private readonly verifier: SignatureVerifier = defaultVerifier();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
    limits?: ChallengeLimits,
  ) {
    this.challenges = new ChallengeStore(clock, limits);
  }

  challenge(principal: Principal): ChallengeView {
    return this.challenges.issue(principal.sub);
  }

  register(principal: Principal, input: RegisterInput): RegisterResult {
    const name = this.targetName(principal, input.name);
    const audit = (outcome: string, detail: Record<string, unknown> = {}) =>
      recordAudit(this.db, {
        actor: principal.sub,
        role: principal.role,
        action: 'participant.register',
        outcome,
        detail: { name, identityKey: input.identityKey, ...detail },
        at: this.clock(),
      });
    try {
      const result = this.verifyAndStore(principal, name, input);
      audit('ok', { replaced: result.replaced });
      return result;
    } catch (err) {
      if (err instanceof AppError) audit(`refused: ${err.code}`);
      throw err;
    }
  }

  list(limit = 500): ParticipantView[] {
    return listParticipantRows(this.db, limit).map(
      ({ name, identityKey, createdAt, updatedAt }) => ({
        name,
        identityKey,
        createdAt,
        updatedAt,
      }),
    );
  }

  private targetName(principal: Principal, requested: string | undefined): string {
    if (requested === undefined || requested === principal.sub) return principal.sub;
    if (principal.role !== 'admin') {
      throw new AppError(
        'FORBIDDEN',
        'only an admin may register the identity key of another name',
      );
    }
    return requested;
  }

  private verifyAndStore(principal: Principal, name: string, input: RegisterInput): RegisterResult {
    if (!this.challenges.consume(input.challenge, principal.sub)) {
      throw new AppError(
        'INVALID_PROOF',
        'unknown, used or expired challenge: ask participant.challenge for a new one',
      );
    }
    const identityKey = this.validKey(input.identityKey);
    const message = identityProofMessage(name, identityKey, input.challenge);
    if (!this.verifies(input.signature, message, identityKey)) {
      throw new AppError(
        'INVALID_PROOF',
        'the signature does not prove possession of the identity key',
      );
    }
    const current = getParticipantRow(this.db, name);
    const replaced = current !== undefined && current.identityKey !== identityKey;
    if (replaced && principal.role !== 'admin') {
      if (!input.previousKeySignature) {
        throw new AppError(
          'FORBIDDEN',
          `${name} already has a different identity key: sign the same message with the old key ` +
            '(previousKeySignature) or ask an admin',
        );
      }
      if (!this.verifies(input.previousKeySignature, message, current.identityKey)) {
        throw new AppError(
          'INVALID_PROOF',
          'previousKeySignature does not verify under the registered key',
        );
      }
    }
    upsertParticipantRow(this.db, { name, identityKey, at: this.clock() });
    return { name, identityKey, replaced };
  }

  private validKey(hex: string): string {
    try {
      return publicKeyFromBytes(hexToBytes(hex));
    } catch (err) {
      throw new AppError('BAD_REQUEST', `identityKey: ${(err as Error).message}`);
    }
  }

  private verifies(signature: string, message: Uint8Array, publicKey: string): boolean {
    return this.verifier.verify(hexToBytes(signature), message, hexToBytes(publicKey));
  }
}
