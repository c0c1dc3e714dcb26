import { runKeygen, runSigning } from '../harness/dkls23-rounds.js';
import { signRound1, signRound2, combineSignature } from '../protocol/dkls23/signing.js';
import { keyShareToRecord, keyShareFromRecord } from '../protocol/dkls23/key-share.js';
import { randomBytes } from '@noble/hashes/utils.js';
const show = (label: string, f: () => unknown) => { try { f(); console.log(label, 'no throw'); } catch (e: any) { console.log(label, e.constructor.name, e.code, JSON.stringify(e.culprits), String(e.message).slice(0, 120)); } };
const keys = runKeygen(2, 3);
console.log('record 2of3 bytes', keys.map(k => JSON.stringify(keyShareToRecord(k)).length));
// blame on caller's own rng fault
const params = { sid: randomBytes(16), signers: [1, 2], digest: randomBytes(32) };
const a = signRound1(keys[0]!, params); const b = signRound1(keys[1]!, params);
let calls = 0;
const badRng = (n: number) => { calls++; return randomBytes(n).subarray(1); };
show('round2 with a short rng', () => signRound2(a.state, new Map([[2, b.broadcast]]), new Map([[2, b.direct.get(1)!]]), badRng));
// caller's own corrupted mulAlice set-up
const params2 = { sid: randomBytes(16), signers: [1, 2], digest: randomBytes(32) };
const k1 = { ...keys[0]!, mulAlice: new Map([...keys[0]!.mulAlice].map(([j, s]) => [j, { ...(s as any), delta: '00' }])) } as any;
const a2 = signRound1(k1, params2); const b2 = signRound1(keys[1]!, params2);
show('round2 own corrupted setup', () => signRound2(a2.state, new Map([[2, b2.broadcast]]), new Map([[2, b2.direct.get(1)!]])));
// combine with bad sid / digest
show('combine empty transcript, sid empty', () => combineSignature(keys[0]!, { sid: new Uint8Array(0), signers: [1, 2], digest: randomBytes(32) }, { round1: new Map(), round2: new Map(), round3: new Map() }));
show('combine sid string', () => combineSignature(keys[0]!, { sid: 'x' as any, signers: [1, 2], digest: randomBytes(32) }, { round1: new Map([[1,{commitment: new Uint8Array(32)}],[2,{commitment: new Uint8Array(32)}]]) as any, round2: new Map([[1,{}],[2,{}]]) as any, round3: new Map([[1,{}],[2,{}]]) as any }));
show('combine digest 31', () => combineSignature(keys[0]!, { sid: randomBytes(8), signers: [1, 2], digest: randomBytes(31) }, { round1: new Map(), round2: new Map(), round3: new Map() }));
show('combine signers [1]', () => combineSignature(keys[0]!, { sid: randomBytes(8), signers: [1], digest: randomBytes(32) }, { round1: new Map(), round2: new Map(), round3: new Map() }));
show('key share from record null', () => keyShareFromRecord(null));
const rec = keyShareToRecord(keys[0]!) as any;
show('record mulBob swapped from other party', () => keyShareFromRecord({ ...rec, mulAlice: { ...rec.mulAlice, '2': keyShareToRecord(keys[1]!).mulAlice['1'] } }));
show('record mulAlice as mulBob', () => keyShareFromRecord({ ...rec, mulAlice: { '2': rec.mulBob['2'], '3': rec.mulBob['3'] } }));
show('record sid changed', () => keyShareFromRecord({ ...rec, sid: 'ab' }));
show('record self in keys', () => keyShareFromRecord({ ...rec, zeroSeeds: { '01': rec.zeroSeeds['2'], '3': rec.zeroSeeds['3'] } }));
show('signers non-int', () => runSigning(keys, [1, 2.5], randomBytes(32)));
