import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import WebSocket from 'ws';
import { SigSocketError } from '../protocol/errors.js';
import { MAX_MESSAGE_BYTES } from '../protocol/signer-schemas.js';

/** How a client trusts the server's certificate: a CA file, or (development only) not at all. */
export interface TlsTrust {
  /** PEM CA certificate(s), or a path to a PEM file. */
  ca?: string | Buffer;
  /** Accept any certificate. Development only; off unless set explicitly. */
  insecure?: boolean;
}

function resolveCa(ca: string | Buffer | undefined): string | Buffer | undefined {
  if (ca === undefined || Buffer.isBuffer(ca) || ca.includes('-----BEGIN')) return ca;
  return fs.readFileSync(ca);
}

export function tlsOptions(trust: TlsTrust): { ca?: string | Buffer; rejectUnauthorized: boolean } {
  const ca = resolveCa(trust.ca);
  return { ...(ca ? { ca } : {}), rejectUnauthorized: trust.insecure !== true };
}

/** `http(s)://host:port[/...]` → `ws(s)://host:port/<path>`. */
export function toWebSocketUrl(serverUrl: string, path: string): string {
  const url = new URL(serverUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SigSocketError(
      'INVALID_SERVER_URL',
      `server URL must start with http:// or https:// (got ${serverUrl})`,
    );
  }
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = path;
  url.search = '';
  return url.toString();
}

/**
 * The largest message the typed client accepts from the server over its WebSocket (`ws`
 * otherwise allows 100 MiB). The biggest the server sends is a `signer.attach` request: the
 * base64 of the largest signable message (any configuration) is just under 16 MiB; 64 KiB more
 * covers the JSON around it. Session events are far smaller (a 255-party round-1 broadcast is
 * about 4.5 MB).
 */
export const MAX_SERVER_MESSAGE_BYTES = Math.ceil(MAX_MESSAGE_BYTES / 3) * 4 + 64 * 1024;

/** A `WebSocket` class (as tRPC's wsClient wants one) that applies our TLS trust. */
export function webSocketClass(trust: TlsTrust): typeof globalThis.WebSocket {
  const options = { ...tlsOptions(trust), maxPayload: MAX_SERVER_MESSAGE_BYTES };
  class TrustedWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  }
  return TrustedWebSocket as unknown as typeof globalThis.WebSocket;
}

/**
 * A minimal `fetch` over node:http(s) with our TLS trust and keep-alive (Node 20's global fetch
 * takes no CA per call). Enough for tRPC's HTTP links and our JSON endpoints.
 */
export function createFetch(trust: TlsTrust) {
  const options = tlsOptions(trust);
  const httpsAgent = new https.Agent({ keepAlive: true, ...options });
  const httpAgent = new http.Agent({ keepAlive: true });
  return function nodeFetch(
    input: string | URL | Request,
    init: RequestInit = {},
  ): Promise<Response> {
    const url = new URL(typeof input === 'object' && 'url' in input ? input.url : input);
    const lib = url.protocol === 'https:' ? https : http;
    const headers = new Headers(init.headers);
    const body =
      init.body == null ? undefined : typeof init.body === 'string' ? init.body : String(init.body);
    if (body !== undefined) headers.set('content-length', String(Buffer.byteLength(body)));
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(headers.entries()),
          agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const responseHeaders = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : v);
            }
            const status = res.statusCode ?? 500;
            const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(
              new Response(payload, {
                status,
                statusText: res.statusMessage ?? '',
                headers: responseHeaders,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}
