import type { RawData, WebSocket, WebSocketServer } from 'ws';

/**
 * A check on one incoming tRPC WebSocket message, before tRPC's adapter parses it: returns true
 * when it dealt with the message itself (answered a refusal, closed the connection), and then
 * the adapter never sees it.
 */
export type MessageGate = (ws: WebSocket, data: RawData, isBinary: boolean) => boolean;

/**
 * Puts `gates` in front of every 'message' listener of every connection of `wss` (tRPC's
 * adapter included, whenever it was attached), in order; the first that handles a message
 * stops it. The adapter offers no hook before it parses and runs a message, so this wraps the
 * socket's `emit` as the connection opens, before any message can arrive.
 */
export function gateMessages(wss: WebSocketServer, gates: readonly MessageGate[]): void {
  wss.on('connection', (ws) => {
    const emit = ws.emit.bind(ws);
    ws.emit = function gatedEmit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') {
        const [data, isBinary] = args as [RawData, boolean];
        if (gates.some((gate) => gate(ws, data, isBinary))) return true;
      }
      return emit(event, ...args);
    } as typeof ws.emit;
  });
}
