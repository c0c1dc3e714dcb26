import type { WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import { TOO_SLOW_CODE } from '../sessions/streams.js';

/**
 * The tRPC WebSocket adapter answers every query and mutation without backpressure, so a
 * client that keeps sending requests but reads nothing would have its answers pile up in
 * server memory without bound (each small request earns a larger answer). Before each
 * incoming message, a connection with more than `maxBufferedBytes` unsent is closed with 1013,
 * as a slow subscriber is: nothing more is answered on it, and ws destroys it if the closing
 * handshake does not complete within its close timeout.
 *
 * Call before `applyWSSHandler`, so this check runs ahead of the adapter on every message (the
 * adapter does not answer on a connection that is no longer open).
 */
export function closeClientsThatDoNotRead(
  wss: WebSocketServer,
  opts: { maxBufferedBytes: number; logger: Logger },
): void {
  wss.on('connection', (ws) => {
    ws.on('message', () => {
      if (ws.readyState !== ws.OPEN || ws.bufferedAmount <= opts.maxBufferedBytes) return;
      opts.logger.warn(
        { buffered: ws.bufferedAmount },
        'tRPC client does not read its answers: closing',
      );
      ws.close(TOO_SLOW_CODE, 'client too slow');
    });
  });
}
