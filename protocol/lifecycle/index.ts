/**
 * Key lifecycle sessions (docs/lifecycle.md), for every threshold scheme, each a description of
 * its rounds and its server checks, registered in `server/sessions/protocols.ts`.
 *
 * @module
 */
import { defineProtocol } from '../session/description.js';
import { destroySession } from './destroy.js';
import { destroyChecks } from './destroy-checks.js';

export const keyDestroy = defineProtocol(destroySession, destroyChecks);
