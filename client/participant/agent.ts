// The participant agent (docs/participant.md): registers its identity key, follows its inbox with
// resume, and runs every session it accepts. Events of one session are handled in order, one at
// a time; different sessions proceed concurrently. An event counts as handled (cursor) only
// when its handler finished, so a stop or crash replays it, and every handler is idempotent.
import { pino } from 'pino';
import { bytesToHex } from '../../protocol/encoding.js';
import { SigSocketError } from '../../protocol/errors.js';
import { publicKeyOf } from '../../protocol/ecdsa/sign.js';
import type { SessionEvent } from '../../protocol/sessions.js';
import { abortable, retryTransient, StoppedError } from '../retry.js';
import { connectionProblem, isTransient, refusalOf } from '../server-errors.js';
import { createAgentContext, type AgentContext } from './context.js';
import { InboxCursor } from './cursor.js';
import { handleEvent } from './dispatch.js';
import { followInbox } from './inbox-subscription.js';
import { Keystore } from './keystore.js';
import { registerIdentity } from './registration.js';
import { SessionQueues } from './session-queues.js';
import type { AgentEvent, Approve, ParticipantHandle, ParticipantOptions } from './types.js';

/** The server refused to register the agent's identity key: the agent cannot start. */
export class ParticipantError extends SigSocketError<'REGISTRATION_REFUSED'> {
  constructor(message: string) {
    super('REGISTRATION_REFUSED', message);
  }
}

const acceptAll: Approve = () => true;

export function runParticipant(opts: ParticipantOptions): ParticipantHandle {
  const { client } = opts;
  const log = opts.logger ?? pino({ level: 'silent' });
  const abort = new AbortController();
  const { signal } = abort;
  const emit = (event: AgentEvent) => {
    try {
      opts.onEvent?.(event);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'onEvent threw');
    }
  };
  // Synchronous, so a keystore of another identity is the caller's error at once.
  const keystore = Keystore.open(opts.keystoreDir, opts.identitySecretKey);
  const cursor = new InboxCursor(opts.keystoreDir);
  const identityKey = bytesToHex(publicKeyOf(opts.identitySecretKey));
  const queues = new SessionQueues();
  const approve = opts.approve ?? acceptAll;
  // Our name is the token's subject unless given.
  const name = opts.name
    ? Promise.resolve(opts.name)
    : retryTransient(() => client.auth.whoami.query(), isTransient, {
        signal,
        onRetry: (err) => emit({ type: 'disconnected', message: connectionProblem(err) }),
      }).then((w) => w.sub);
  name.catch(() => {}); // reported through `ready`

  async function handle(ctx: AgentContext, event: SessionEvent): Promise<void> {
    if (signal.aborted) return;
    try {
      await handleEvent(ctx, event);
    } catch (err) {
      if (err instanceof StoppedError) return; // not handled: replayed after a restart
      const message = err instanceof Error ? err.message : String(err);
      log.error(
        { sessionId: event.sessionId, eventId: event.id, type: event.type, err: message },
        'event handler failed',
      );
      emit({ type: 'error', sessionId: event.sessionId, message: `${event.type}: ${message}` });
    }
    cursor.handled(event.id);
    emit({ type: 'event', event });
  }

  function receive(ctx: AgentContext, event: SessionEvent): void {
    if (signal.aborted) return;
    const seen = cursor.classify(event.id);
    if (seen === 'duplicate') emit({ type: 'duplicate', id: event.id });
    if (seen !== 'new') return;
    cursor.received(event.id);
    queues.run(event.sessionId, () => handle(ctx, event));
  }

  async function start(): Promise<void> {
    const me = await name;
    const ctx = createAgentContext({
      client,
      name: me,
      identitySecretKey: opts.identitySecretKey,
      identityKey,
      keystore,
      approve: (invite) => abortable(approve(invite), signal),
      signal,
      log,
      emit,
    });
    try {
      await registerIdentity(ctx);
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      throw new ParticipantError(`cannot register the identity key of ${me}: ${refusal.message}`);
    }
    log.info({ name: me, identityKey }, 'identity key registered');
    emit({ type: 'registered', name: me, identityKey });
    await abortable(
      new Promise<void>((onStarted) =>
        followInbox({
          client,
          after: cursor.lastEventId,
          onEvent: (e) => receive(ctx, e),
          onStarted,
          emit,
          log,
          signal,
        }),
      ),
      signal,
    );
  }

  const ready = start();
  ready.catch(() => {}); // reported through `ready` to whoever awaits it

  return {
    ready,
    async stop() {
      abort.abort();
      await queues.idle();
    },
  };
}
