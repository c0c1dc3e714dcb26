// Idle participants as the server sees them: one tRPC WebSocket per participant with its own
// token, subscribed to participant.inbox (nothing is ever delivered to them).
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';

export interface InboxSubscribers {
  count: number;
  close(): Promise<void>;
}

/** `count` subscribed participants named `${prefix}-i`, `parallel` connecting at a time. */
export async function subscribeInboxes(
  url: string,
  token: (sub: string) => Promise<string>,
  count: number,
  prefix = 'idle',
  parallel = 50,
): Promise<InboxSubscribers> {
  const clients: SigSocketClient[] = [];
  const stops: Array<() => void> = [];
  const close = async () => {
    for (const stop of stops) stop();
    await Promise.all(clients.map(closeClient));
  };
  try {
    for (let i = 0; i < count; i += parallel) {
      const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, k) => i + k);
      await Promise.all(
        batch.map(async (k) => {
          const client = createClient({ url, token: await token(`${prefix}-${k}`) });
          clients.push(client);
          await new Promise<void>((resolve, reject) => {
            const sub = client.participant.inbox.subscribe(
              {},
              { onStarted: () => resolve(), onError: reject },
            );
            stops.push(() => sub.unsubscribe());
          });
        }),
      );
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { count, close };
}
