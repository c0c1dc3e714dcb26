import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { pathnameOf } from '../http/router.js';
import type { Metrics } from '../metrics.js';

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

/**
 * Routes WebSocket upgrades by pathname to `noServer` WebSocket servers (two servers with
 * `path` on one HTTP server would abort each other's upgrades). Unknown paths get 404; an
 * address over its connection cap gets 429.
 */
export function routeUpgrades(opts: {
  server: Server;
  endpoints: Record<string, WebSocketServer>;
  maxConnectionsPerIp: number;
  metrics: Metrics;
}): { openConnections(): number } {
  const perIp = new Map<string, number>();
  let open = 0;
  opts.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = pathnameOf(req.url);
    if (pathname === undefined) {
      opts.metrics.wsRejected.inc({ reason: 'bad_request' });
      refuse(socket, 400, 'Bad Request');
      return;
    }
    const wss = opts.endpoints[pathname];
    if (!wss) {
      opts.metrics.wsRejected.inc({ reason: 'not_found' });
      refuse(socket, 404, 'Not Found');
      return;
    }
    const ip = req.socket.remoteAddress ?? 'unknown';
    const count = perIp.get(ip) ?? 0;
    if (count >= opts.maxConnectionsPerIp) {
      opts.metrics.wsRejected.inc({ reason: 'per_ip_limit' });
      refuse(socket, 429, 'Too Many Connections');
      return;
    }
    perIp.set(ip, count + 1);
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
    };
    socket.once('close', release);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      open++;
      opts.metrics.wsConnections.inc({ endpoint: pathname });
      ws.once('close', () => {
        open--;
        opts.metrics.wsConnections.dec({ endpoint: pathname });
        release();
      });
      wss.emit('connection', ws, req);
    });
  });
  return { openConnections: () => open };
}
