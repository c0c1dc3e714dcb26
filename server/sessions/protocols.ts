/**
 * The protocols this server runs: the one registration a new protocol needs. Each definition
 * (protocol/session/description.ts) gets its machine built once; sessions, submissions and the
 * restart path find their protocol here by `kind`.
 *
 * @module
 */
import { sessionMachine, type SessionMachine } from '../../machines/index.js';
import { AppError } from '../../protocol/errors.js';
import { dklsKeygen, dklsSign } from '../../protocol/dkls23/sessions/index.js';
import { frostKeygen, frostSign } from '../../protocol/frost/sessions/index.js';
import { keyDestroy } from '../../protocol/lifecycle/index.js';
import type { SessionInputBase, TimedEvent } from '../../protocol/session/common.js';
import type {
  AnyContext,
  AnyNotification,
  AnySessionChecks,
  AnySessionProtocol,
  ProtocolDefinition,
} from '../../protocol/session/description.js';

/** What the server runs unless told otherwise. */
export const BUILT_IN_PROTOCOLS: readonly ProtocolDefinition[] = [
  frostKeygen,
  frostSign,
  dklsKeygen,
  dklsSign,
  keyDestroy,
];

/**
 * keygen.create and sign.create serve every threshold scheme: each names the kind of session
 * its scheme runs (the FROST kinds are the default for a scheme not listed).
 */
const KINDS_BY_SCHEME: Record<string, { keygen: string; sign: string }> = {
  'dkls23-secp256k1': { keygen: 'dkls23-keygen', sign: 'dkls23-sign' },
};
export const sessionKindFor = (scheme: string, action: 'keygen' | 'sign'): string =>
  KINDS_BY_SCHEME[scheme]?.[action] ?? action;

export interface RegisteredProtocol {
  kind: string;
  session: AnySessionProtocol;
  checks: AnySessionChecks;
  machine: SessionMachine<AnyContext, TimedEvent, SessionInputBase, AnyNotification>;
}

export class ProtocolRegistry {
  private readonly byKind = new Map<string, RegisteredProtocol>();
  /** Every submission kind some protocol takes (`participant.submit`'s `submission.kind`). */
  readonly submissionKinds = new Set<string>();

  constructor(definitions: readonly ProtocolDefinition[] = BUILT_IN_PROTOCOLS) {
    for (const { session, checks } of definitions) {
      if (session.kind !== checks.kind) {
        throw new Error(`protocol halves disagree on their kind: ${session.kind} / ${checks.kind}`);
      }
      if (this.byKind.has(session.kind))
        throw new Error(`protocol ${session.kind} is registered twice`);
      const machine = sessionMachine<AnyContext, TimedEvent, SessionInputBase, AnyNotification>(
        session,
      );
      this.byKind.set(session.kind, { kind: session.kind, session, checks, machine });
      for (const kind of Object.keys(checks.submissions)) this.submissionKinds.add(kind);
    }
  }

  get kinds(): string[] {
    return [...this.byKind.keys()];
  }

  find(kind: string): RegisteredProtocol | undefined {
    return this.byKind.get(kind);
  }

  /** The protocol named by a caller: BAD_REQUEST listing the known ones otherwise. */
  get(kind: string): RegisteredProtocol {
    const found = this.byKind.get(kind);
    if (found) return found;
    throw new AppError(
      'BAD_REQUEST',
      `unknown session kind ${kind} (this server runs ${this.kinds.join(', ')})`,
    );
  }
}
