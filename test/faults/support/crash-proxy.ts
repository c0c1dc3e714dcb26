// A TCP proxy on loopback between one client and the server, to cut that client off the network
// (its HTTP calls and its WebSocket) and let it back, without touching the client or the server.
import net from 'node:net';

export class CrashProxy {
  private readonly sockets = new Set<net.Socket>();
  private isCut = false;

  private constructor(
    private readonly listener: net.Server,
    readonly url: string,
  ) {}

  /** A proxy to `127.0.0.1:targetPort`; clients use `url` instead of the server's. */
  static async start(targetPort: number): Promise<CrashProxy> {
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as net.AddressInfo;
    const proxy = new CrashProxy(listener, `http://127.0.0.1:${port}`);
    listener.on('connection', (client) => proxy.relay(client, targetPort));
    return proxy;
  }

  private relay(client: net.Socket, targetPort: number): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Drops every open connection and refuses new ones until `restore()`. */
  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}
