// Prints the backend secp256k1Group selected at start (test/protocol/group-backends.test.ts).
import { secp256k1Group } from '../../../protocol/group/secp256k1.js';

process.stdout.write(`${secp256k1Group.backend}\n`);
