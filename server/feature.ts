import type { WebSocketServer } from 'ws';
import type { HttpRoute } from './http/router.js';

/**
 * A capability of the server (single-key signing, sessions, ...): the HTTP routes and
 * WebSocket endpoints it serves and what it must do on shutdown. `startServer` mounts each
 * feature's routes and endpoints beside tRPC and /healthz.
 *
 * @module
 */
export interface Feature {
  routes?: HttpRoute[];
  endpoints?: Record<string, WebSocketServer>;
  /** Called on shutdown, before the database closes. */
  close?(): void | Promise<void>;
}
