// Stopping an in-process participant agent at a chosen phase of a session: crashing it (no
// cleanup; its connection drops) or cutting it off the network, and what it must leave behind.
import fs from 'node:fs';
import path from 'node:path';
import { closeClient } from '../../../client/trpc.js';
import type { Agent } from '../../agents/support.js';
import { tally } from './crash-figures.js';
import type { CrashPhase } from './crash-phases.js';

/**
 * The agent stops at once, as a process that dies: nothing more is sent, its WebSocket drops.
 * Resolves when the handlers it had under way are gone, so that a restarted agent never shares
 * the keystore with them.
 */
export async function crash(agent: Agent): Promise<void> {
  const stopped = agent.handle.stop(); // aborts synchronously
  await closeClient(agent.client);
  await stopped;
  tally.kill();
}

/**
 * Runs `outage` once, when `agent` reaches `phase` of `sessionId` with nothing done in it yet:
 * while it is asked about the invitation (inviting), else right after it handled its last
 * event before the phase. Resolves when the outage is in place.
 */
export function outageAt(
  agent: Agent,
  phase: CrashPhase,
  sessionId: string,
  outage: () => void | Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const run = () => Promise.resolve(outage()).then(resolve, reject);
    const { lastBefore } = phase;
    if (!lastBefore) {
      const previous = agent.hooks.approve;
      agent.hooks.approve = (invite) => {
        if (invite.sessionId !== sessionId) return previous?.(invite) ?? true;
        agent.hooks.approve = previous;
        void run();
        // A crashed agent never sends this answer; a cut-off one sends it once it is back.
        return true;
      };
      return;
    }
    const previous = agent.hooks.onEvent;
    agent.hooks.onEvent = (event, self) => {
      previous?.(event, self);
      if (event.type !== 'event' || event.event.sessionId !== sessionId) return;
      if (!lastBefore(event.event)) return;
      agent.hooks.onEvent = previous;
      void run();
    };
  });
}

/** Secret records a keystore still holds for a session (none after its end: participant.md). */
export function secretsLeft(keystoreDir: string, sessionId: string): string[] {
  return ['session', 'dkg', 'keygen-share', 'nonces'].flatMap((kind) => {
    const dir = path.join(keystoreDir, kind);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f === `${sessionId}.sealed` || f.startsWith(`${sessionId}@`))
      .map((f) => `${kind}/${f}`);
  });
}
