import type { Logger } from '../logger.js';
import { TOO_SLOW_CODE } from '../sessions/streams.js';
import type { MessageGate } from './message-gates.js';

/**
 * The tRPC WebSocket adapter answers every query and mutation without backpressure, so a
 * client that keeps sending requests but reads nothing would have its answers pile up in
 * server memory without bound (each small request earns a larger answer). Before each
 * incoming message, a connection with more than `maxBufferedBytes` unsent is closed with 1013,
 * as a slow subscriber is: nothing more is answered on it, and ws destroys it if the closing
 * handshake does not complete within its close timeout.
 *
 * The first of the gates (message-gates.ts), so it runs ahead of the adapter and of the other
 * gates on every message.
 */
export function closeClientsThatDoNotRead(opts: {
  maxBufferedBytes: number;
  logger: Logger;
}): MessageGate {
  return (ws) => {
    if (ws.readyState !== ws.OPEN) return true; // closing: nothing more is answered
    if (ws.bufferedAmount <= opts.maxBufferedBytes) return false;
    opts.logger.warn(
      { buffered: ws.bufferedAmount },
      'tRPC client does not read its answers: closing',
    );
    ws.close(TOO_SLOW_CODE, 'client too slow');
    return true;
  };
}
