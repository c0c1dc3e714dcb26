/**
 * What a call of any procedure amounts to, as one word for an authorisation table: `ok`, or
 * the app code of the refusal. Over HTTP (queries, mutations; subscriptions only when they are
 * refused) and over the tRPC WebSocket (everything; a subscription that starts is stopped).
 */
import { callOverHttp, type ProcedureInfo } from './abuse-procedures.js';
import { RawTrpcSocket } from './abuse-trpc-ws.js';

export type Outcome = 'ok' | string;

export async function outcomeOverHttp(
  url: string,
  p: ProcedureInfo,
  input: unknown,
  token: string | undefined,
): Promise<Outcome> {
  const answer = await callOverHttp(url, p, input, token);
  return answer.ok ? 'ok' : (answer.appCode ?? `no appCode (${answer.code})`);
}

/** One WebSocket per token, opened on first use. */
export class SocketPool {
  private readonly sockets = new Map<string, Promise<RawTrpcSocket>>();

  constructor(private readonly wsUrl: string) {}

  private socket(token: string | undefined): Promise<RawTrpcSocket> {
    const key = token ?? '';
    let socket = this.sockets.get(key);
    if (!socket) {
      socket = RawTrpcSocket.open(this.wsUrl, token);
      this.sockets.set(key, socket);
    }
    return socket;
  }

  async outcome(p: ProcedureInfo, input: unknown, token: string | undefined): Promise<Outcome> {
    const socket = await this.socket(token);
    const reply = await socket.request(p.type, p.path, input);
    if (p.type === 'subscription' && reply.result?.type === 'started') socket.stop(reply.id!);
    if (!reply.error) return 'ok';
    return reply.error.data?.appCode ?? `no appCode (${reply.error.data?.code})`;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sockets.values()].map(async (s) => (await s).close()));
  }
}
