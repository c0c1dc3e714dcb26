// Every suite `npm run bench` knows, in the order a full run takes them.
import { ciphersuites } from './ciphersuites.js';
import { connectionScale } from './connection-scale.js';
import { ecdsa } from './ecdsa.js';
import { groupOps } from './group-ops.js';
import { legacySigning } from './legacy-signing.js';
import { persistence } from './persistence.js';
import { restart } from './restart.js';
import { scalingN } from './scaling-n.js';
import { sessionOverhead } from './session-overhead.js';
import type { BenchSuite } from './suite.js';

export const suites: BenchSuite[] = [
  legacySigning,
  connectionScale,
  sessionOverhead,
  scalingN,
  ciphersuites,
  persistence,
  restart,
  groupOps,
  ecdsa,
];
