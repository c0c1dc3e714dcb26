// The single-key HTTP endpoints (docs/signing.md §2) from a client: `POST /sign` with a bearer
// token and `GET /connected/{public_key}`.
import { base64Decode, base64Encode } from '../protocol/encoding.js';
import { SigSocketError } from '../protocol/errors.js';
import { createFetch, type TlsTrust } from './transport.js';

export type FetchLike = (input: URL, init?: RequestInit) => Promise<Response>;

export interface SignHttpResult {
  status: number;
  body: { response?: string; signature?: string; error?: string; code?: string };
}

/** POST /sign with JSON `body` (a string is sent as is) and a bearer token when given. */
export async function postSign(
  url: string,
  body: unknown,
  token?: string,
  fetchImpl: FetchLike = fetch,
): Promise<SignHttpResult> {
  const res = await fetchImpl(new URL('/sign', url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as SignHttpResult['body'] };
}

/** A `POST /sign` the server answered with an error (`code` as in docs/signing.md §2). */
export class HttpSignError extends SigSocketError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, `POST /sign: ${status} ${code}: ${message}`);
  }
}

export interface HttpSignRequest {
  /** Compressed or uncompressed public key, hex. */
  publicKey: string;
  message: Uint8Array;
  timeoutMs?: number;
}

export interface SigningHttpClient {
  /** Has the holder of `publicKey` sign `message`; the server verified what it returns. */
  sign(request: HttpSignRequest): Promise<{ message: Uint8Array; signature: Uint8Array }>;
  /** `GET /connected/{publicKey}`: whether a signer holding the key is registered. */
  connected(publicKey: string): Promise<boolean>;
}

/** The endpoints at `server.url` (with a coordinator or admin token for `sign`). */
export function signingHttpClient(
  server: { url: string; token?: string } & TlsTrust,
): SigningHttpClient {
  const fetchImpl = createFetch(server);
  return {
    async sign(request) {
      const body = {
        public_key: request.publicKey,
        message: base64Encode(request.message),
        ...(request.timeoutMs !== undefined ? { timeout_ms: request.timeoutMs } : {}),
      };
      const res = await postSign(server.url, body, server.token, fetchImpl);
      const { response, signature } = res.body;
      if (res.status !== 200 || !response || !signature) {
        const { code = 'UNKNOWN', error = JSON.stringify(res.body) } = res.body;
        throw new HttpSignError(res.status, code, error);
      }
      return { message: base64Decode(response), signature: base64Decode(signature) };
    },
    async connected(publicKey) {
      const res = await fetchImpl(new URL(`/connected/${publicKey}`, server.url));
      return ((await res.json()) as { connected?: boolean }).connected === true;
    },
  };
}
