import type { Metrics } from '../metrics.js';
import type { SignerConnection, SignerKind } from './connection.js';

/**
 * Public key (compressed hex) → its live signer connections in registration order. Requests
 * go to the most recently registered; when it drops, the previous one serves again.
 */
export class SignerRegistry {
  private readonly byKey = new Map<string, SignerConnection[]>();
  private readonly kinds: Record<SignerKind, number> = { legacy: 0, typed: 0 };

  constructor(private readonly metrics: Metrics) {}

  register(connection: SignerConnection): void {
    const list = this.byKey.get(connection.publicKey);
    if (list) list.push(connection);
    else this.byKey.set(connection.publicKey, [connection]);
    this.kinds[connection.kind]++;
    this.metrics.signers.inc({ kind: connection.kind });
  }

  unregister(connection: SignerConnection): void {
    const list = this.byKey.get(connection.publicKey);
    const at = list?.indexOf(connection) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) this.byKey.delete(connection.publicKey);
    this.kinds[connection.kind]--;
    this.metrics.signers.dec({ kind: connection.kind });
  }

  /** The connection that serves this key now, if any. */
  current(publicKey: string): SignerConnection | undefined {
    const list = this.byKey.get(publicKey);
    return list?.[list.length - 1];
  }

  isConnected(publicKey: string): boolean {
    return this.byKey.has(publicKey);
  }

  counts(): {
    connections: number;
    signers: number;
    pending: number;
    legacy: number;
    typed: number;
  } {
    let pending = 0;
    for (const list of this.byKey.values()) for (const c of list) pending += c.pendingCount;
    const { legacy, typed } = this.kinds;
    return { connections: legacy + typed, signers: this.byKey.size, pending, legacy, typed };
  }

  all(): SignerConnection[] {
    return [...this.byKey.values()].flat();
  }
}
