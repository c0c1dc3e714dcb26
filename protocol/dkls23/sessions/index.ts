/**
 * DKLs23 threshold ECDSA as session protocols: keygen and signing, each a description of its
 * rounds and its server checks (docs/ecdsa.md), registered in `server/sessions/protocols.ts`.
 *
 * @module
 */
import { defineProtocol } from '../../session/description.js';
import { dklsKeygenSession } from './keygen.js';
import { dklsKeygenChecks } from './keygen-checks.js';
import { dklsSignSession } from './sign.js';
import { dklsSignChecks } from './sign-checks.js';

export const dklsKeygen = defineProtocol(dklsKeygenSession, dklsKeygenChecks);
export const dklsSign = defineProtocol(dklsSignSession, dklsSignChecks);
