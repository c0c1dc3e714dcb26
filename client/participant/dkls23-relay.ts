// What DKLs23 keygen and signing share in the agent (docs/participant.md, DKLs23): each direct
// message sealed to its recipient with encryptDirect, bound to the round; a relay's broadcasts
// and messages checked against the invitation's members, opened and parsed, any failure a
// DklsError naming its sender; and the complaint such a failure becomes.
import type { z } from 'zod';
import { DklsError } from '../../protocol/dkls23/errors.js';
import { DIRECT_LABEL } from '../../protocol/dkls23/sessions/messages.js';
import type { PackedCodec } from '../../protocol/dkls23/wire.js';
import { decryptDirect, encryptDirect } from '../../protocol/e2e.js';
import type { Member } from '../../protocol/session-events.js';
import { describeIssues } from '../../protocol/validation.js';
import type { AgentContext } from './context.js';

/** The session as the handlers here need it: its members, and our index among them. */
export interface DklsSession {
  sessionId: string;
  partIndex: number;
  participants: readonly Member[];
}

const refused = (what: string) => new DklsError('INVALID_PROTOCOL_MESSAGE', what);

/** The member a relay entry names; the server's own mistake (no culprit) if it fits none. */
function memberOf(session: DklsSession, name: string, index: number): Member {
  const member = session.participants.find((p) => p.index === index);
  if (!member || member.name !== name) {
    throw refused(`session ${session.sessionId}: ${name} relayed under index ${index}`);
  }
  return member;
}

/** recipient name → its message sealed to it (the `direct` of a submission). */
export function sealDirect<T>(
  ctx: AgentContext,
  session: DklsSession,
  round: string,
  codec: PackedCodec<T>,
  direct: ReadonlyMap<number, T>,
): Record<string, string> {
  const sealed: Record<string, string> = {};
  for (const [index, message] of direct) {
    const recipient = session.participants.find((p) => p.index === index);
    if (!recipient) throw refused(`session ${session.sessionId} has no member of index ${index}`);
    sealed[recipient.name] = encryptDirect({
      label: DIRECT_LABEL,
      round,
      sessionId: session.sessionId,
      sender: ctx.name,
      recipient: recipient.name,
      senderSecretKey: ctx.identitySecretKey,
      recipientPublicKey: recipient.identityKey,
      plaintext: codec.pack(message),
    });
  }
  return sealed;
}

/** Parses `value` from `from` with `schema`; a failure names `from`. */
function parsed<S extends z.ZodType>(schema: S, value: unknown, from: Member, what: string) {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = describeIssues(result.error, { first: true });
    throw new DklsError('INVALID_PROTOCOL_MESSAGE', `${what} from ${from.name}: ${issues}`, [
      from.index,
    ]);
  }
  return result.data as z.output<S>;
}

/**
 * One parsed value per sender of `entries` (by `senderOf`), checked against the members;
 * `read` gives the value, or undefined to leave the entry out.
 */
function perSender<E, T>(
  session: DklsSession,
  entries: readonly E[],
  senderOf: (entry: E) => [name: string, index: number],
  read: (entry: E, from: Member) => T | undefined,
): Map<number, T> {
  const out = new Map<number, T>();
  for (const entry of entries) {
    const from = memberOf(session, ...senderOf(entry));
    const value = read(entry, from);
    if (value === undefined) continue;
    if (out.has(from.index)) throw refused(`${from.name} relayed twice in ${session.sessionId}`);
    out.set(from.index, value);
  }
  return out;
}

/** Every other member's broadcast (ours is left out), parsed by `schema`. */
export function broadcastsOf<S extends z.ZodType>(
  session: DklsSession,
  entries: ReadonlyArray<{ name: string; index: number; broadcast: unknown }>,
  schema: S,
): Map<number, z.output<S>> {
  return perSender(
    session,
    entries,
    (e) => [e.name, e.index],
    (e, from) =>
      from.index === session.partIndex
        ? undefined
        : parsed(schema, e.broadcast, from, 'the broadcast'),
  );
}

/** The messages sealed to us, opened and unpacked by `codec`. */
export function directsOf<T>(
  ctx: AgentContext,
  session: DklsSession,
  round: string,
  entries: ReadonlyArray<{ from: string; fromIndex: number; ciphertext: string }>,
  codec: PackedCodec<T>,
): Map<number, T> {
  return perSender(
    session,
    entries,
    (e) => [e.from, e.fromIndex],
    (e, from) => {
      if (from.index === session.partIndex) throw refused('a message from ourselves was relayed');
      return opened(ctx, session, round, from, e.ciphertext, codec);
    },
  );
}

/** A message sealed to us by `from`, unpacked; one that does not open or unpack names `from`. */
function opened<T>(
  ctx: AgentContext,
  session: DklsSession,
  round: string,
  from: Member,
  ciphertext: string,
  codec: PackedCodec<T>,
): T {
  try {
    const plaintext = decryptDirect({
      label: DIRECT_LABEL,
      round,
      sessionId: session.sessionId,
      sender: from.name,
      recipient: ctx.name,
      recipientSecretKey: ctx.identitySecretKey,
      senderPublicKey: from.identityKey,
      ciphertext,
    });
    return codec.unpack(plaintext);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new DklsError(
      'INVALID_PROTOCOL_MESSAGE',
      `the ${round} message from ${from.name} does not open: ${why}`,
      [from.index],
    );
  }
}

/**
 * A failure that names a member becomes a complaint against the first one named, after `drop`
 * (the secrets of this run go: it cannot go on). Any other failure is rethrown as it is.
 */
export async function complainOrThrow(
  ctx: AgentContext,
  session: DklsSession,
  err: unknown,
  drop: () => void,
): Promise<void> {
  const accused =
    err instanceof DklsError && err.culprits.length > 0
      ? session.participants.find((p) => p.index === err.culprits[0])
      : undefined;
  if (!accused || !(err instanceof DklsError)) throw err;
  const reason = `${err.code}: ${err.message}`.slice(0, 500);
  ctx.log.warn({ sessionId: session.sessionId, accused: accused.name, reason }, 'complaining');
  drop();
  await ctx.submit(session.sessionId, { kind: 'complaint', accused: accused.name, reason });
}
