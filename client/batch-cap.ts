/**
 * Our client keeps its tRPC batches within the server's default `--max-batch-size` (50;
 * docs/reliability.md, "Limits"), over HTTP (`httpBatchLink` `maxItems`) and over the
 * WebSocket, where tRPC's wsLink sends every request queued in one tick, and every
 * subscription at a reconnect, as one JSON array with no cap of its own.
 *
 * @module
 */

/** Calls in one batch, HTTP or WebSocket. */
export const MAX_BATCH_CALLS = 50;

type WebSocketClass = typeof globalThis.WebSocket;

/** `Base` whose `send` splits a JSON array of more than `max` messages into arrays of `max`. */
export function batchCappedWebSocket(Base: WebSocketClass, max = MAX_BATCH_CALLS): WebSocketClass {
  return class BatchCappedWebSocket extends Base {
    override send(data: Parameters<InstanceType<WebSocketClass>['send']>[0]): void {
      if (typeof data === 'string' && data.startsWith('[')) {
        const messages = JSON.parse(data) as unknown[];
        if (messages.length > max) {
          for (let i = 0; i < messages.length; i += max) {
            super.send(JSON.stringify(messages.slice(i, i + max)));
          }
          return;
        }
      }
      super.send(data);
    }
  };
}
