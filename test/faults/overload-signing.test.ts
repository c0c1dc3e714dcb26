/**
 * A flood of sign requests to one signer, over POST /sign and signer.sign at once: exactly
 * `--max-pending-per-signer` reach it, every other caller gets TOO_MANY_PENDING at once (429 /
 * TOO_MANY_REQUESTS), the admitted ones are all answered and verified, another signer is not
 * held up, and the capacity comes back once the signer answers.
 */
import { TRPCClientError } from '@trpc/client';
import { afterEach, describe, expect, it } from 'vitest';
import { base64Decode } from '../../protocol/encoding.js';
import { startTestServer } from '../support/server.js';
import { clientFor, closeAll } from '../support/sessions.js';
import { b64, connectLegacy, getJson, postSign, testKey, waitFor } from '../support/signing.js';
import { Figures } from './support/abuse-figures.js';

afterEach(closeAll);

interface Outcome {
  ok: boolean;
  code?: string | undefined;
  /** HTTP status, or the tRPC code. */
  status?: number | string | undefined;
  /** The signed message (base64), when answered. */
  message?: string | undefined;
}

const MAX_PENDING = 8;
const HTTP_CALLS = 40;
const TRPC_CALLS = 20;

describe('a flood of sign requests to one signer', () => {
  it('admits the per-signer bound, refuses the rest at once, and answers every admitted one', async () => {
    await using server = await startTestServer({ maxPendingPerSigner: MAX_PENDING });
    const token = await server.token('coord', 'coordinator');
    const api = await clientFor(server, 'coord', 'coordinator');
    const [busyKey, otherKey] = [testKey(), testKey()];
    const busy = await connectLegacy(server, busyKey);
    const other = await connectLegacy(server, otherKey);

    const outcomes: Outcome[] = [];
    const track = (p: Promise<Outcome>) => p.then((o) => (outcomes.push(o), o));
    const calls = [
      ...Array.from({ length: HTTP_CALLS }, (_, i) =>
        track(
          postSign(
            server.url,
            { public_key: busyKey.publicKey, message: b64(`http ${i}`) },
            token,
          ).then((r) => ({
            ok: r.status === 200,
            code: r.body.code,
            status: r.status,
            message: r.body.response,
          })),
        ),
      ),
      ...Array.from({ length: TRPC_CALLS }, (_, i) =>
        track(
          api.signer.sign.mutate({ publicKey: busyKey.publicKey, message: b64(`trpc ${i}`) }).then(
            (r) => ({ ok: true, message: r.message }),
            (err: TRPCClientError<never>) => {
              const data = err.data as { code?: string; appCode?: string } | undefined;
              return { ok: false, code: data?.appCode, status: data?.code };
            },
          ),
        ),
      ),
    ];
    // The signer sees exactly the bound; everyone else is refused without waiting for it.
    const asked: Uint8Array[] = [];
    for (let i = 0; i < MAX_PENDING; i++) asked.push(await busy.next());
    const refusals = HTTP_CALLS + TRPC_CALLS - MAX_PENDING;
    await waitFor(() => outcomes.length === refusals, 'every refusal');
    for (const o of outcomes) {
      expect(o.ok).toBe(false);
      expect(o.code).toBe('TOO_MANY_PENDING');
      expect([429, 'TOO_MANY_REQUESTS']).toContain(o.status);
    }
    expect(busy.queued).toBe(0);
    expect(await getJson(server.url, '/status')).toMatchObject({ pending: MAX_PENDING });
    const figures = new Figures('overload-signing');
    figures.add('sign requests to one signer', HTTP_CALLS + TRPC_CALLS);
    figures.add('admitted', MAX_PENDING);
    figures.add('refused TOO_MANY_PENDING', outcomes.length);
    figures.print();

    // Another signer is not held up by the flood.
    const elsewhere = postSign(
      server.url,
      { public_key: otherKey.publicKey, message: b64('x') },
      token,
    );
    const m = await other.next();
    other.respond(m, otherKey.sign(m));
    expect((await elsewhere).status).toBe(200);

    // The admitted requests are all answered, each with its own verified signature.
    for (const message of asked) busy.respond(message, busyKey.sign(message));
    const answers = (await Promise.all(calls)).filter((o) => o.ok).map((o) => o.message!);
    expect(answers.map((a) => Buffer.from(base64Decode(a)).toString()).sort()).toEqual(
      asked.map((a) => Buffer.from(a).toString()).sort(),
    );

    // Capacity is back.
    const after = postSign(
      server.url,
      { public_key: busyKey.publicKey, message: b64('after') },
      token,
    );
    const next = await busy.next();
    busy.respond(next, busyKey.sign(next));
    expect((await after).status).toBe(200);
    await busy.close();
    await other.close();
  });
});
