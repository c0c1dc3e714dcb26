/**
 * FROST keygen and signing as the server registers them: each protocol's machine half and its
 * server half under one name (docs/sessions.md, "Protocols as data").
 *
 * @module
 */
import { defineProtocol } from '../../session/description.js';
import { frostKeygenSession } from './keygen.js';
import { frostKeygenChecks } from './keygen-checks.js';
import { frostSignSession } from './sign.js';
import { frostSignChecks } from './sign-checks.js';

export const frostKeygen = defineProtocol(frostKeygenSession, frostKeygenChecks);

export const frostSign = defineProtocol(frostSignSession, frostSignChecks);
