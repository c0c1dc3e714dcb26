import { scalarField } from '../protocol/group/scalar-field.js';
function oldRead(bytes: Uint8Array, le: boolean): bigint {
  let v = 0n;
  for (let k = 0; k < bytes.length; k++) { const b = bytes[le ? bytes.length - 1 - k : k]!; v = (v << 8n) | BigInt(b); }
  return v;
}
const big = (1n << 700n) + 12345n; // order larger than any input: reduceBytes == raw read
let bad = 0;
for (const le of [true, false]) {
  const F = scalarField(big, 57, le);
  for (let len = 0; len <= 90; len++) {
    for (let rep = 0; rep < 30; rep++) {
      const b = new Uint8Array(len);
      for (let i = 0; i < len; i++) b[i] = Math.random() < 0.3 ? 0 : (Math.random() * 256) | 0;
      if (rep === 0) b.fill(0); if (rep === 1) b.fill(255);
      const copy = Uint8Array.from(b);
      const got = F.reduceBytes(b);
      if (got !== oldRead(b, le) % big) { bad++; console.log('mismatch', le, len, b); }
      if (b.some((x, i) => x !== copy[i])) { bad++; console.log('mutated', le, len); }
    }
  }
  // subarray with offset
  const buf = new Uint8Array(100).map((_, i) => i);
  const sub = buf.subarray(10, 42);
  if (F.reduceBytes(sub) !== oldRead(sub, le)) { bad++; console.log('subarray mismatch', le); }
  // Buffer
  const B = Buffer.from(sub);
  try { if (F.reduceBytes(B) !== oldRead(B, le)) { bad++; console.log('Buffer mismatch', le); } } catch (e) { console.log('Buffer throws', le, String(e)); }
  // plain array (old code accepted)
  try { console.log('array', le, F.reduceBytes([1, 2, 3] as any), oldRead([1,2,3] as any, le)); } catch (e) { console.log('array throws', le, String(e)); }
}
// ed448 real fromBytes with leading zeros in LE (trailing zero bytes)
import { ed448 } from '@noble/curves/ed448.js';
import { ed25519 } from '@noble/curves/ed25519.js';
for (const [name, order, n] of [['ed448', ed448.Point.Fn.ORDER, 57], ['ed25519', ed25519.Point.Fn.ORDER, 32]] as const) {
  const F = scalarField(order, n, true);
  for (let i = 0; i < 200; i++) { const x = F.random(); const b = F.toBytes(x); if (F.fromBytes(b) !== x) { bad++; console.log(name,'rt fail'); } }
  const one = new Uint8Array(n); one[0] = 1; if (F.fromBytes(one) !== 1n) { bad++; console.log(name, 'one'); }
  if (F.fromBytes(new Uint8Array(n)) !== 0n) { bad++; }
  const nb = F.toBytes(order - 1n); if (F.fromBytes(nb) !== order - 1n) bad++;
  console.log(name, 'noble agree', F.fromBytes(one) === (ed448.Point.Fn as any).fromBytes ? '' : 'ok');
}
console.log('empty', scalarField(7n, 0, true).reduceBytes(new Uint8Array(0)), scalarField(7n, 0, false).reduceBytes(new Uint8Array(0)));
console.log('bad', bad);
