import type { RequestListener } from 'node:http';
import type { AnyTRPCRouter } from '@trpc/server';
import { errorCodes } from '../../protocol/errors.js';
import { pathnameOf } from '../http/router.js';

/**
 * tRPC v11 serves subscriptions over HTTP as server-sent event streams by default. Those
 * streams would skip what guards the WebSocket (`--max-connections-per-ip`, the subscription
 * limits, the slow-client guard, the end at the token's expiry), so they are switched off: a
 * call of a subscription over HTTP is answered here, before tRPC runs anything (no context,
 * no token check, no procedure), with a plain 400 in tRPC's error shape, `data.appCode`
 * BAD_REQUEST, and no stream (docs/sessions.md, Subscriptions).
 */
export function refuseHttpSubscriptions(
  router: AnyTRPCRouter,
  handler: RequestListener,
): RequestListener {
  const procedures = router._def.procedures as Record<string, { _def: { type: string } }>;
  const isSubscription = (path: string) =>
    Object.hasOwn(procedures, path) && procedures[path]!._def.type === 'subscription';
  return (req, res) => {
    const paths = callPaths(req.url);
    const refused = paths.find(isSubscription);
    if (refused === undefined) return handler(req, res);
    const status = errorCodes.BAD_REQUEST.http;
    const error = (path: string) => ({
      error: {
        message: `${refused} is a subscription: subscriptions are served only over the WebSocket (/trpc)`,
        code: -32600,
        data: { code: 'BAD_REQUEST', httpStatus: status, path, appCode: 'BAD_REQUEST' },
      },
    });
    const batch = new URL(req.url ?? '/', 'http://localhost').searchParams.get('batch') === '1';
    const body = JSON.stringify(batch ? paths.map(error) : error(refused));
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    req.resume(); // discard any body
  };
}

/** `/trpc/a.b,c.d?…` → `['a.b', 'c.d']` (tRPC's batch form); [] if it does not parse. */
function callPaths(url: string | undefined): string[] {
  const pathname = pathnameOf(url);
  if (!pathname?.startsWith('/trpc/')) return [];
  try {
    return decodeURIComponent(pathname.slice('/trpc/'.length)).split(',');
  } catch {
    return [];
  }
}
