/**
 * The per-signature secrets of one signer (r_i, φ_i, sk_i), held so that no copy of a signing
 * state can use them twice (docs/dkls23.md, Signing): every copy of a state shares this one
 * object, whose private fields a deep copy or a JSON round trip does not carry, and each round
 * takes the secrets once, in order; after round 3 they are dropped. Replaying round 3 with the
 * same r_i and another ψ would hand a co-signer r_i and sk_i.
 *
 * @module
 */
import { DklsError } from './errors.js';

export interface Secrets {
  r: bigint;
  phi: bigint;
  sk: bigint;
}

export class SigningSecrets {
  #secrets: Secrets | null;
  /** The last round that took the secrets (1: none yet). */
  #round: 1 | 2 | 3 = 1;

  constructor(secrets: Secrets) {
    this.#secrets = { ...secrets };
  }

  /** The secrets for round 2, then once more for round 3; anything else is refused. */
  take(round: 2 | 3): Secrets {
    const secrets = this.#secrets;
    if (secrets === null || this.#round !== round - 1) {
      const why =
        this.#round >= round
          ? `round ${round} already took them`
          : `round ${round - 1} has not run`;
      throw new DklsError(
        'INVALID_OT_INPUT',
        `this signing state cannot take round ${round}: ${why}`,
      );
    }
    this.#round = round;
    if (round === 3) this.#secrets = null;
    return secrets;
  }

  /** The secrets of `holder` for `round`: a copy that lost the private fields is refused too. */
  static take(holder: { secrets: unknown }, round: 2 | 3): Secrets {
    if (!(holder.secrets instanceof SigningSecrets)) {
      throw new DklsError('INVALID_OT_INPUT', 'this signing state holds no signing secrets');
    }
    return holder.secrets.take(round);
  }

  /** Never print the secrets. */
  toJSON(): string {
    return '[signing secrets]';
  }
}
