import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AppError } from '../../protocol/errors.js';
import { sendError } from './json.js';

export type HttpHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
) => void | Promise<void>;

/** A plain HTTP endpoint. `path` may hold `:name` segments, e.g. `/connected/:publicKey`. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: HttpHandler;
}

function compile(path: string): (pathname: string) => Record<string, string> | null {
  const names: string[] = [];
  const pattern = path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const re = new RegExp(`^${pattern}$`);
  return (pathname) => {
    const m = re.exec(pathname);
    if (!m) return null;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]!);
    });
    return params;
  };
}

const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9_~/-]*$/;

/**
 * The pathname of a request target, or undefined when it does not parse (`GET //a:99999` is
 * read as a URL with an invalid port): a throw here would be uncaught and end the process.
 */
export function pathnameOf(url: string | undefined): string | undefined {
  // A plain absolute path (no query, dots, escapes or leading `//`) is its own pathname:
  // `POST /sign` skips the URL parser.
  if (url !== undefined && PLAIN_PATH.test(url)) return url;
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/** The JSON error answer for what a handler threw (docs/signing.md, "HTTP endpoints"). */
function answerError(res: ServerResponse, err: unknown, pathname: string, logger: Logger): void {
  if (err instanceof AppError) {
    const retryAfterMs = err.details?.['retryAfterMs'];
    if (typeof retryAfterMs === 'number' && !res.headersSent) {
      res.setHeader('retry-after', String(Math.ceil(retryAfterMs / 1000)));
    }
    if (!res.headersSent) sendError(res, err.code, err.message);
    else res.destroy();
    return;
  }
  logger.error({ err, path: pathname }, 'HTTP handler failed');
  if (!res.headersSent) sendError(res, 'INTERNAL', 'internal error');
  else res.destroy();
}

/**
 * One request listener for the whole server: `/trpc` goes to tRPC, the listed routes to their
 * handlers, anything else is a JSON 404 (405 for a known path with another method).
 * Errors thrown by handlers become the JSON error body of docs/signing.md ("HTTP endpoints").
 */
export function createRequestListener(opts: {
  routes: HttpRoute[];
  trpc: RequestListener;
  logger: Logger;
}): RequestListener {
  const routes = opts.routes.map((r) => ({ ...r, match: compile(r.path) }));
  return (req, res) => {
    const pathname = pathnameOf(req.url);
    if (pathname === undefined) {
      sendError(res, 'BAD_REQUEST', 'malformed request target');
      return;
    }
    if (pathname === '/trpc' || pathname.startsWith('/trpc/')) {
      opts.trpc(req, res);
      return;
    }
    let pathKnown = false;
    for (const route of routes) {
      let params: Record<string, string> | null;
      try {
        params = route.match(pathname);
      } catch {
        sendError(res, 'BAD_REQUEST', 'malformed URL encoding in path');
        return;
      }
      if (!params) continue;
      pathKnown = true;
      if (route.method !== req.method) continue;
      // Called directly (no Promise.resolve().then per request); a throw and a rejection
      // end up in the same place.
      const fail = (err: unknown) => answerError(res, err, pathname, opts.logger);
      try {
        const pending = route.handler(req, res, params);
        if (pending) pending.catch(fail);
      } catch (err) {
        fail(err);
      }
      return;
    }
    if (pathKnown)
      sendError(res, 'METHOD_NOT_ALLOWED', `method ${req.method} not allowed on ${pathname}`);
    else sendError(res, 'NOT_FOUND', `no such endpoint: ${pathname}`);
  };
}
