import net from 'node:net';

/**
 * Sends one raw HTTP/1.1 request (request line and headers exactly as given, so request
 * targets no HTTP client would send get through) and reads the head of the answer.
 */
export function rawRequest(
  url: string,
  requestLine: string,
  headers: string[] = [],
): Promise<{ status: number; head: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    const done = () => {
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, head: received.split('\r\n\r\n')[0] ?? '' });
    };
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (received.includes('\r\n\r\n')) done(); // the head is enough (an upgrade stays open)
    });
    socket.on('error', reject);
    socket.on('close', done);
    const lines = [requestLine, `Host: ${hostname}`, 'Connection: close', ...headers];
    socket.end(lines.join('\r\n') + '\r\n\r\n');
  });
}

/** Headers that make a request a WebSocket upgrade. */
export const UPGRADE_HEADERS = [
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Version: 13',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
];
