// Single-key signing throughput: N raw-WebSocket legacy signers answering from precomputed
// signatures, M keep-alive callers driving POST /sign (with a coordinator token) against the
// real server in a child process. After a warm-up, several measuring windows; the median is
// reported. Every 200 is a signature the server has verified. The verify-only rate of the same
// verifier, measured in the same run, shows how much of the budget the crypto takes.
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { issueToken } from '../server/auth/jwt.js';
import { secretFromString } from '../server/auth/secret.js';
import { profilesDir } from './support/cpu-profile.js';
import type { RawHttpCaller } from './support/http-caller.js';
import { signRequestBytes } from './support/http-caller.js';
import { connectSigners, prepareSigners, waitForSigners } from './support/legacy-signers.js';
import {
  startServerInProcess,
  startServerProcess,
  type ServerProcess,
} from './support/server-process.js';
import { closedLoop, openCallers, type WindowFigures } from './support/sign-load.js';
import { median, spread } from './support/stats.js';
import { verifyBaselineFor } from './support/verify-rate.js';
import { withDirectRow } from './support/direct-row.js';
import {
  fmtInt,
  fmtMs,
  numberFlag,
  round,
  type BenchOptions,
  type BenchResult,
  type BenchSuite,
} from './suite.js';

const TARGET_PER_SECOND = 10_000;
const TARGET_P99_MS = 50;
const TARGET_RATIO = 0.5;

interface Window extends WindowFigures {
  rate: number;
  serverCores: number;
  generatorCores: number;
}

/** One measuring window with the CPU the server and this process used during it. */
async function measure(
  loop: ReturnType<typeof closedLoop>,
  server: ServerProcess,
  ms: number,
): Promise<Window> {
  const cpuServer0 = server.cpuSeconds();
  const cpuSelf0 = process.cpuUsage();
  const figures = await loop.window(ms);
  const self = process.cpuUsage(cpuSelf0);
  return {
    ...figures,
    rate: figures.ok / figures.seconds,
    serverCores: (server.cpuSeconds() - cpuServer0) / figures.seconds,
    generatorCores: (self.user + self.system) / 1e6 / figures.seconds,
  };
}

export const legacySigning: BenchSuite = {
  name: 'legacy-signing',
  description:
    'POST /sign through raw-WebSocket legacy signers, verified by the server; the signing service called in process',
  async run(opts) {
    const result = await runHttp(opts);
    if (opts.flags['direct'] === 'off') return result;
    return withDirectRow(result, opts);
  },
};

/** The POST /sign figures: callers over HTTP against the server in a child process. */
async function runHttp({ quick, flags }: BenchOptions): Promise<BenchResult> {
  const signerCount = numberFlag(flags, 'signers', 100);
  const callerCount = numberFlag(flags, 'callers', 64);
  const repeats = numberFlag(flags, 'repeats', 3);
  const windowMs = numberFlag(flags, 'duration-ms', quick ? 1_500 : 5_000);
  const warmupMs = numberFlag(flags, 'warmup-ms', quick ? 1_000 : 3_000);
  const nodeArgs = flags['cpu-prof'] === true ? ['--cpu-prof', '--cpu-prof-dir', profilesDir] : [];

  const signers = prepareSigners(signerCount, 8);
  // Before the load here, after it below: the baseline is the median of both sides.
  const baseline = verifyBaselineFor(signers, quick, repeats);

  const secret = randomBytes(32).toString('hex');
  const inProcess = flags['in-process'] === true;
  const verifyThread = flags['verify-thread'] === 'off' ? 'off' : 'on';
  const server = inProcess
    ? await startServerInProcess({ jwtSecret: secret, verifyThread })
    : await startServerProcess(['--jwt-secret', secret, '--verify-thread', verifyThread], nodeArgs);
  let sockets: WebSocket[] = [];
  let callers: RawHttpCaller[] = [];
  try {
    const { hostname, port } = new URL(server.url);
    let unknown = 0;
    sockets = await connectSigners(server.url.replace(/^http/, 'ws'), signers, () => unknown++);
    await waitForSigners(server.url, signerCount);

    const token = await issueToken(secretFromString(secret), {
      sub: 'bench',
      role: 'coordinator',
      ttl: '1h',
    });
    const requests = signers.flatMap((s) =>
      s.messages.map((m) => signRequestBytes(`${hostname}:${port}`, token, s.publicKey, m)),
    );
    // Interleave signers so consecutive requests go to different signers.
    const perSigner = signers[0]!.messages.length;
    const order = requests.map(
      (_, i) => requests[(i % signerCount) * perSigner + Math.floor(i / signerCount)]!,
    );

    callers = await openCallers(hostname, Number(port), callerCount);
    const loop = closedLoop(callers, order);
    await loop.window(warmupMs);
    const windows: Window[] = [];
    for (let r = 0; r < repeats; r++) windows.push(await measure(loop, server, windowMs));
    await loop.stop();
    baseline.measure(repeats);
    const verifyRate = baseline.rate;
    const verifyRates = baseline.rates;

    const pick = (f: (w: Window) => number) => windows.map(f);
    const rate = median(pick((w) => w.rate));
    const p50 = median(pick((w) => w.p50));
    const p99 = median(pick((w) => w.p99));
    const serverCores = median(pick((w) => w.serverCores));
    const generatorCores = median(pick((w) => w.generatorCores));
    const failed = windows.reduce((n, w) => n + w.failed, 0);
    const statuses = windows.flatMap((w) =>
      Object.entries(w.statuses).map(([s, n]) => `${s}: ${n}`),
    );
    const cpuPerSign = rate ? (serverCores * 1e6) / rate : NaN;
    // What the rate ratio would be with a core to itself: robust to the other jobs' load.
    const cpuRatio = baseline.cpuMicrosPerVerify / cpuPerSign;
    return {
      suite: 'legacy-signing',
      title:
        `${signerCount} legacy signers x ${callerCount} keep-alive callers; median of ${repeats} windows of ` +
        `${windowMs / 1000} s after ${warmupMs / 1000} s warm-up; server ${inProcess ? 'in this process' : 'in a child process'}`,
      rows: [
        [
          'verified signs/s',
          spread(
            pick((w) => w.rate),
            fmtInt,
          ),
        ],
        [
          'latency p50',
          spread(
            pick((w) => w.p50),
            fmtMs,
          ),
        ],
        [
          'latency p99',
          spread(
            pick((w) => w.p99),
            fmtMs,
          ),
        ],
        [
          'failed requests',
          (failed ? `${fmtInt(failed)} (${statuses.join(', ')})` : '0') +
            (unknown ? `; ${unknown} unexpected messages at signers` : ''),
        ],
        [
          `verify-only, ${baseline.verifier.backend}, 1 core`,
          `${spread(verifyRates, fmtInt)}/s (server verifies ${verifyThread === 'on' ? 'in a worker thread' : 'on its event loop'})`,
        ],
        ['signs/s / verify-only', rate ? (rate / verifyRate).toFixed(2) : '-'],
        ...(inProcess
          ? ([['server + load generator CPU', `${generatorCores.toFixed(2)} cores`]] as [
              string,
              string,
            ][])
          : ([
              ['server CPU', `${serverCores.toFixed(2)} cores, ${fmtInt(cpuPerSign)} us per sign`],
              [
                'CPU per verify / server CPU per sign',
                `${cpuRatio.toFixed(2)} (${baseline.cpuMicrosPerVerify.toFixed(1)} / ${fmtInt(cpuPerSign)} us: the ratio on one core of its own)`,
              ],
              ['load generator CPU', `${generatorCores.toFixed(2)} cores`],
            ] as [string, string][])),
      ],
      data: {
        signers: signerCount,
        callers: callerCount,
        repeats,
        windowMs,
        warmupMs,
        signsPerSecond: Math.round(rate),
        p50Ms: round(p50, 3),
        p99Ms: round(p99, 3),
        failed,
        verifier: baseline.verifier.backend,
        verifyThread,
        inProcess,
        verifyOnlyPerSecond: Math.round(verifyRate),
        ratio: round(rate / verifyRate, 3),
        serverCores: round(serverCores),
        serverCpuMicrosPerSign: Math.round(cpuPerSign) || null,
        verifyCpuMicros: round(baseline.cpuMicrosPerVerify, 1),
        cpuRatio: inProcess ? null : round(cpuRatio, 3),
        generatorCores: round(generatorCores),
        windows: windows.map((w) => ({
          signsPerSecond: Math.round(w.rate),
          p50Ms: round(w.p50, 3),
          p99Ms: round(w.p99, 3),
          failed: w.failed,
          serverCores: round(w.serverCores),
          generatorCores: round(w.generatorCores),
        })),
        verifyOnlyRuns: verifyRates.map(Math.round),
      },
      targets: [
        {
          name: `>= ${fmtInt(TARGET_PER_SECOND)} verified signs/s with p99 < ${TARGET_P99_MS} ms`,
          met: rate >= TARGET_PER_SECOND && p99 < TARGET_P99_MS,
          measured: `${fmtInt(rate)}/s, p99 ${fmtMs(p99)}`,
        },
        {
          name: `>= ${TARGET_RATIO} of verify-only with p99 < ${TARGET_P99_MS} ms (issue 12)`,
          met: rate / verifyRate >= TARGET_RATIO && p99 < TARGET_P99_MS,
          measured: `${(rate / verifyRate).toFixed(2)}, p99 ${fmtMs(p99)}`,
        },
      ],
    };
  } finally {
    for (const c of callers) c.close();
    for (const s of sockets) s.terminate();
    await server.stop();
  }
}
