/**
 * Every tRPC procedure, read from the router definition (a new procedure is covered without
 * editing the abuse tests), with fast-check arbitraries of bad input for it and a raw HTTP
 * caller that reports what the server answered.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { isErrorCode } from '../../../protocol/errors.js';
import { appRouter } from '../../../server/trpc/router.js';

export type ProcedureType = 'query' | 'mutation' | 'subscription';

export interface ProcedureInfo {
  path: string;
  type: ProcedureType;
  /** The zod input schema, if the procedure takes input. */
  input: z.ZodType | undefined;
}

interface ProcedureDef {
  _def: { type: ProcedureType; inputs: unknown[] };
}

/** Every procedure of the router, by dotted path. */
export function procedures(): ProcedureInfo[] {
  // `_def.procedures` is flat (dotted paths) at run time; its static type is the nested router.
  const all = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
  return Object.entries(all).map(([path, p]) => ({
    path,
    type: p._def.type,
    input: p._def.inputs[0] as z.ZodType | undefined,
  }));
}

/**
 * What the server's own validation will say about `input` (procedures without input take all),
 * judged on what reaches it: the input after a JSON round trip, as every caller here sends it
 * (NaN and ±Infinity arrive as null, undefined fields vanish).
 */
export function accepts(p: ProcedureInfo, input: unknown): boolean {
  return p.input === undefined || p.input.safeParse(onTheWire(input)).success;
}

function onTheWire(input: unknown): unknown {
  const json = JSON.stringify(input);
  return json === undefined ? undefined : (JSON.parse(json) as unknown);
}

const n = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
/** Byte strings that look right but are not: wrong lengths, off the curve, identity, ≥ n. */
export const BAD_CRYPTO_HEX = [
  '',
  '00', // SEC1 identity
  '02' + '00'.repeat(32), // x = 0 is not on the curve
  '02' + 'ff'.repeat(32), // x ≥ p
  '04' + '11'.repeat(32), // uncompressed prefix, compressed length
  '02' + '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'.slice(2), // 32 bytes
  n, // scalar = n
  'ff'.repeat(32), // scalar > n
  'ab'.repeat(71), // one byte short of an encrypted share
  'zz'.repeat(33), // not hex
  'AB'.repeat(16) + 'g',
];

const hexChars = fc.constantFrom(...'0123456789abcdefABCDEF');

/** Any value a caller may send as one field. */
export function junkValue(pool: readonly unknown[] = []): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ unit: 'binary', maxLength: 120 }),
    fc.string({ unit: hexChars, maxLength: 140 }),
    fc.constantFrom(...BAD_CRYPTO_HEX),
    fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 2 ** 53, 1e308)),
    ...(pool.length > 0 ? [fc.constantFrom(...pool)] : []),
  );
}

function unwrap(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault
  ) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
  return schema;
}

/**
 * Input shaped like what the schema wants — the right field names, the right `kind` — with
 * junk, or a near miss, in every field, some fields missing and now and then one too many.
 */
export function nearMiss(
  schema: z.ZodType,
  pool: readonly unknown[] = [],
  depth = 0,
): fc.Arbitrary<unknown> {
  const junk = junkValue(pool);
  const inner = unwrap(schema);
  if (depth > 3) return junk;
  if (inner instanceof z.ZodObject) {
    const shape = inner.shape as Record<string, z.ZodType>;
    const fields = Object.fromEntries(
      Object.entries(shape).map(([k, v]) => [k, fc.oneof(nearMiss(v, pool, depth + 1), junk)]),
    );
    return fc
      .tuple(fc.record(fields, { requiredKeys: [] }), fc.option(junk, { freq: 4 }))
      .map(([record, extra]) => (extra === null ? record : { ...record, unexpected: extra }));
  }
  if (inner instanceof z.ZodUnion) {
    const options = inner.options as readonly z.ZodType[];
    return fc.oneof(...options.map((o) => nearMiss(o, pool, depth + 1)));
  }
  if (inner instanceof z.ZodLiteral) return fc.oneof(fc.constantFrom(...inner.values), junk);
  if (inner instanceof z.ZodEnum) return fc.oneof(fc.constantFrom(...inner.options), junk);
  if (inner instanceof z.ZodArray) {
    return fc.array(nearMiss(inner.element as z.ZodType, pool, depth + 1), { maxLength: 4 });
  }
  if (inner instanceof z.ZodRecord) {
    const value = inner.valueType as z.ZodType;
    return fc.dictionary(
      fc.oneof(
        fc.string(),
        ...pool.filter((v) => typeof v === 'string').map((v) => fc.constant(v as string)),
      ),
      nearMiss(value, pool, depth + 1),
      { maxKeys: 4 },
    );
  }
  return junk;
}

/** Random JSON, or input shaped after the procedure's own schema with junk inside. */
export function badInput(p: ProcedureInfo, pool: readonly unknown[] = []): fc.Arbitrary<unknown> {
  const random = fc.jsonValue({ maxDepth: 3 });
  return p.input ? fc.oneof(random, nearMiss(p.input, pool), nearMiss(p.input, pool)) : random;
}

/** What the server answered to one call, however it was carried. */
export interface Answer {
  /** HTTP status (for a subscription: the status its error carries). */
  status: number;
  ok: boolean;
  code?: string;
  appCode?: string;
  message?: string;
}

interface ErrorShape {
  message: string;
  data?: { code?: string; appCode?: string; httpStatus?: number };
}

function fromError(error: ErrorShape, status: number): Answer {
  return {
    status: error.data?.httpStatus ?? status,
    ok: false,
    code: error.data?.code,
    appCode: error.data?.appCode,
    message: error.message,
  };
}

/**
 * Calls `p` over HTTP the way the tRPC client would: a query as GET `?input=`, a mutation as a
 * POST of JSON, a subscription as a GET server-sent event stream (only with input the schema
 * refuses, so the stream ends with its error instead of staying open).
 */
export function callOverHttp(
  url: string,
  p: ProcedureInfo,
  input: unknown,
  token?: string,
): Promise<Answer> {
  return sendOverHttp(url, p, JSON.stringify(input), token);
}

/**
 * The same with the input as it goes on the wire: a string (the `?input=` text, or the POST
 * body), raw bytes for a body, or undefined for none.
 */
export async function sendOverHttp(
  url: string,
  p: ProcedureInfo,
  wire: string | Uint8Array | undefined,
  token?: string,
): Promise<Answer> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  // Raw bytes go into `?input=` byte for byte (%xx each), invalid UTF-8 included.
  const query =
    wire === undefined
      ? ''
      : `?input=${typeof wire === 'string' ? encodeURIComponent(wire) : percentEncode(wire)}`;
  const signal = AbortSignal.timeout(20_000);
  const res =
    p.type === 'mutation'
      ? await fetch(`${url}/trpc/${p.path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: wire ?? '',
          signal,
        })
      : await fetch(`${url}/trpc/${p.path}${query}`, { headers, signal });
  const body = await res.text();
  if (p.type === 'subscription' && res.status === 200) {
    const data = /event: serialized-error\ndata: (.*)\n/.exec(body)?.[1];
    if (!data) return { status: 200, ok: true };
    return fromError(JSON.parse(data) as ErrorShape, res.status);
  }
  const reply = JSON.parse(body) as { result?: unknown; error?: ErrorShape };
  return reply.error ? fromError(reply.error, res.status) : { status: res.status, ok: true };
}

function percentEncode(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** The answer is a clear refusal or a success, never a server error; an error has a known code. */
export function expectClearAnswer(answer: Answer, what: string): void {
  if (answer.status >= 500 || (!answer.ok && !isErrorCode(answer.appCode))) {
    throw new Error(`${what}: unclear answer ${JSON.stringify(answer)}`);
  }
}
