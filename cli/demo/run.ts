// `sigsocket demo`: a server, participant agents and a legacy signer in this process; a t-of-n
// keygen and a threshold signing per scheme, then a single-key POST /sign; every signature
// verified independently. Everything is stopped at the end, and a temporary data directory
// removed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDklsScheme, type ThresholdScheme } from '../../protocol/threshold-schemes.js';
import { SessionEndedError } from '../../client/coordinator/index.js';
import { startDemoCluster, type DemoCluster } from './cluster.js';
import { runEcdsaThreshold } from './ecdsa-threshold.js';
import type { DemoOutput } from './output.js';
import { partyNames } from './parties.js';
import { runSingleKey, type SingleKeyRun } from './single-key.js';
import { sqliteCommands } from './sqlite.js';
import { runThreshold, type ThresholdRun } from './threshold.js';
import type { Check } from './verify.js';

export interface DemoOptions {
  /** Keep the server's data here; default: a temporary directory removed at the end. */
  dataDir?: string;
  schemes: ThresholdScheme[];
  threshold: number;
  parties: number;
  logLevel: string;
}

export interface DemoResult {
  /** True only when every step completed and every check passed. */
  ok: boolean;
  server: string | null;
  dataDir: string;
  dataKept: boolean;
  threshold: number;
  parties: number;
  participants: Array<{ name: string; identityKey: string }>;
  legacySigner: string | null;
  runs: ThresholdRun[];
  singleKey: SingleKeyRun | null;
  /** Ready-to-paste sqlite3 commands (when the data directory is kept). */
  sqlite: string[];
  /** Why it did not succeed; `state` is the final state of a session that did not complete. */
  error: { message: string; state?: string } | null;
}

const failedChecks = (checks: Check[]) => checks.filter((c) => !c.ok).map((c) => c.what);

function describeError(err: unknown): NonNullable<DemoResult['error']> {
  if (err instanceof SessionEndedError) return { message: err.message, state: err.state };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** What the run will do; one or two schemes are named in the sentence, more are counted. */
function headingOf({ schemes, threshold, parties }: DemoOptions): string {
  const t = `${threshold}-of-${parties}`;
  const what =
    schemes.length <= 2
      ? `a ${t} ${schemes.join(' and ')} key, a threshold signing`
      : `a ${t} key and a threshold signing for each of ${schemes.length} schemes`;
  return `SigSocket demo: ${what} and a single-key POST /sign`;
}

export async function runDemo(opts: DemoOptions, out: DemoOutput): Promise<DemoResult> {
  const dataKept = opts.dataDir !== undefined;
  const dataDir = path.resolve(
    opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sigsocket-demo-')),
  );
  const result: DemoResult = {
    ok: false,
    server: null,
    dataDir,
    dataKept,
    threshold: opts.threshold,
    parties: opts.parties,
    participants: [],
    legacySigner: null,
    runs: [],
    singleKey: null,
    sqlite: [],
    error: null,
  };
  let cluster: DemoCluster | undefined;
  const { threshold, parties } = opts;
  out.heading(headingOf(opts));
  try {
    const names = partyNames(parties);
    cluster = await startDemoCluster({
      dataDir,
      names,
      logLevel: opts.logLevel,
      onWarning: (text) => out.note(`warning: ${text}`),
    });
    result.server = cluster.server.url;
    result.participants = cluster.participants;
    result.legacySigner = cluster.legacySigner;
    out.field('server', `${cluster.server.url} (in this process)`);
    out.field('data', dataKept ? dataDir : `${dataDir} (temporary: removed at the end)`);
    for (const p of cluster.participants) {
      out.field(p.name, `participant agent, identity key ${p.identityKey}`);
    }
    out.field('legacy signer', `${cluster.legacySigner} on ${cluster.server.wsUrl}/ws`);

    for (const scheme of opts.schemes) {
      const { coordinator } = cluster;
      result.runs.push(
        isDklsScheme(scheme)
          ? await runEcdsaThreshold(coordinator, { threshold, names }, out)
          : await runThreshold(coordinator, { scheme, threshold, names }, out),
      );
    }
    result.singleKey = await runSingleKey(cluster.http, cluster.legacySigner, out);

    const checks = [...result.runs.flatMap((r) => r.checks), ...result.singleKey.checks];
    const notVerified = failedChecks(checks);
    if (notVerified.length > 0) {
      result.error = { message: `not verified: ${notVerified.join('; ')}` };
    }
  } catch (err) {
    result.error = describeError(err);
  } finally {
    await cluster?.close();
    if (!dataKept) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (dataKept && result.server) result.sqlite = sqliteCommands(dataDir);
  result.ok = result.error === null;
  return result;
}
