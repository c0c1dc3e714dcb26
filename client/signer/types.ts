/** Decides whether the key holder signs `message` (false: refuse). */
export type Approve = (message: Uint8Array) => boolean | Promise<boolean>;

/** What a running signer reports (the CLI prints these). Never carries key material. */
export type SignerEvent =
  | { type: 'connected' }
  | { type: 'registered' }
  | { type: 'disconnected'; code?: number; reason?: string }
  | { type: 'signed'; messageBytes: number }
  | { type: 'refused'; messageBytes: number }
  | { type: 'error'; message: string }
  /** It stopped for good: the server refused it in a way retrying cannot mend. */
  | { type: 'gave_up'; message: string };

export interface SignerHandle {
  /** The signer's public key, compressed hex. */
  readonly publicKey: string;
  /**
   * Resolves once the signer is serving (typed: the server confirmed the proof; legacy: the
   * socket is open and the introduction sent — the raw protocol acknowledges nothing, so the
   * proof may still be under way). After a drop it is pending again until the next success.
   */
  ready(): Promise<void>;
  /** Disconnects and stops reconnecting. */
  stop(): Promise<void>;
}

/** A promise that can be renewed: resolved while serving, pending again after a drop. */
export class ReadySignal {
  private promise: Promise<void> | undefined;
  private resolve: () => void = () => {};
  private isSet = false;

  private ensure(): Promise<void> {
    return (this.promise ??= new Promise((resolve) => (this.resolve = resolve)));
  }

  wait(): Promise<void> {
    return this.ensure();
  }

  set(): void {
    this.ensure();
    this.isSet = true;
    this.resolve();
  }

  /** Pending again (no-op when already pending). */
  reset(): void {
    if (!this.isSet) return;
    this.isSet = false;
    this.promise = undefined;
  }
}
