import type { AgentEvent } from '../client/participant/index.js';
import { timestampedLines } from './output.js';

const line = timestampedLines();

/** One line per notable agent event on stdout (names and ids only: never key material). */
export function printAgentEvent(event: AgentEvent): void {
  switch (event.type) {
    case 'registered':
      return line(`registered as ${event.name} with identity key ${event.identityKey}`);
    case 'subscribed':
      return line(
        `inbox open${event.lastEventId ? ` (resuming after event ${event.lastEventId})` : ''}`,
      );
    case 'disconnected':
      return line(`disconnected${event.message ? ` (${event.message})` : ''}; reconnecting`, {
        collapse: true,
      });
    case 'answered':
      return line(
        `${event.sessionId}: ${event.accept ? 'accepted' : `rejected (${event.reason ?? 'no reason'})`}`,
      );
    case 'submitted':
      return line(`${event.sessionId}: submitted ${event.kind}`);
    case 'refused':
      return line(`${event.sessionId}: server refused ${event.what}: ${event.code}`);
    case 'escrow_used':
      return line(`${event.sessionId}: key share of ${event.keyId} restored from the escrow`);
    case 'key_stored':
      return line(`key ${event.keyId} stored (group public key ${event.groupPublicKey})`);
    case 'session_ended':
      return line(`${event.sessionId}: ${event.state}`);
    case 'duplicate':
      return line(`event ${event.id} received twice; skipped`);
    case 'error':
      return line(`error${event.sessionId ? ` in ${event.sessionId}` : ''}: ${event.message}`);
    case 'event':
      return;
  }
}
