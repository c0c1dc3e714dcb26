// Single-key signing throughput: N raw-WebSocket legacy signers answering from precomputed
// signatures, M keep-alive callers driving POST /sign (with a coordinator token) for a fixed
// time against the real server in a child process. Every 200 is a signature the server has
// verified. The verify-only rate of the same verifier, measured in the same run, shows how
// much of the budget the crypto takes.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type WebSocket from 'ws';
import { loadVerifier } from '../protocol/ecdsa/verifier.js';
import { parseSignResponse } from '../protocol/legacy.js';
import { issueToken } from '../server/auth/jwt.js';
import { secretFromString } from '../server/auth/secret.js';
import { RawHttpCaller, signRequestBytes } from './support/http-caller.js';
import { connectSigner, prepareSigners } from './support/legacy-signers.js';
import { startServerInProcess, startServerProcess } from './support/server-process.js';
import { verifyOnlyRate } from './support/verify-rate.js';
import { fmtInt, fmtMs, numberFlag, percentile, type BenchSuite } from './suite.js';

const TARGET_PER_SECOND = 10_000;
const TARGET_P99_MS = 50;

async function waitForSigners(url: string, count: number): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const status = (await (await fetch(`${url}/status`)).json()) as { connections: number };
    if (status.connections >= count) return;
    if (Date.now() > until) throw new Error(`only ${status.connections} of ${count} signers registered`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const legacySigning: BenchSuite = {
  name: 'legacy-signing',
  description: 'POST /sign through raw-WebSocket legacy signers, verified by the server',
  async run({ quick, flags }) {
    const signerCount = numberFlag(flags, 'signers', 100);
    const callerCount = numberFlag(flags, 'callers', 64);
    const durationMs = numberFlag(flags, 'duration-ms', quick ? 3_000 : 15_000);
    const warmupMs = numberFlag(flags, 'warmup-ms', quick ? 1_000 : 3_000);
    const nodeArgs = flags['cpu-prof'] === true ? ['--cpu-prof', '--cpu-prof-dir', 'bench/results/profiles'] : [];

    const signers = prepareSigners(signerCount, 8);
    const verifier = loadVerifier('auto');
    const samples = signers.flatMap((s) =>
      [...s.answers.values()].map((frame) => {
        const { message, signature } = parseSignResponse(frame);
        return { message, signature, publicKey: Buffer.from(s.publicKey, 'hex') };
      }),
    );
    verifyOnlyRate(verifier, samples, 200); // warm up
    const verifyRate = verifyOnlyRate(verifier, samples, quick ? 1_000 : 3_000);

    const secret = randomBytes(32).toString('hex');
    const inProcess = flags['in-process'] === true;
    const verifyThread = flags['verify-thread'] === 'off' ? 'off' : 'on';
    const server = inProcess
      ? await startServerInProcess({ jwtSecret: secret, verifyThread })
      : await startServerProcess(['--jwt-secret', secret, '--verify-thread', verifyThread], nodeArgs);
    const sockets: WebSocket[] = [];
    const callers: RawHttpCaller[] = [];
    try {
      const { hostname, port } = new URL(server.url);
      let unknown = 0;
      for (const signer of signers) sockets.push(await connectSigner(server.url.replace(/^http/, 'ws'), signer, () => unknown++));
      await waitForSigners(server.url, signerCount);

      const token = await issueToken(secretFromString(secret), { sub: 'bench', role: 'coordinator', ttl: '1h' });
      const requests = signers.flatMap((s) => s.messages.map((m) => signRequestBytes(`${hostname}:${port}`, token, s.publicKey, m)));
      // Interleave signers so consecutive requests go to different signers.
      const perSigner = signers[0]!.messages.length;
      const order = requests.map((_, i) => requests[(i % signerCount) * perSigner + Math.floor(i / signerCount)]!);

      for (let i = 0; i < callerCount; i++) callers.push(new RawHttpCaller(hostname, Number(port)));
      await Promise.all(callers.map((c) => c.ready));

      let running = true;
      let measuring = false;
      let next = 0;
      let ok = 0;
      let failed = 0;
      const statuses = new Map<number, number>();
      const latencies = new Float64Array(Math.ceil((durationMs / 1000) * 100_000));
      let recorded = 0;
      const loops = callers.map(async (caller) => {
        while (running) {
          const bytes = order[next++ % order.length]!;
          const started = performance.now();
          const status = await caller.request(bytes);
          if (!measuring) continue;
          if (status === 200) {
            ok++;
            if (recorded < latencies.length) latencies[recorded++] = performance.now() - started;
          } else {
            failed++;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
        }
      });

      await new Promise((r) => setTimeout(r, warmupMs));
      measuring = true;
      const cpuServer0 = server.cpuSeconds();
      const cpuSelf0 = process.cpuUsage();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, durationMs));
      measuring = false;
      const elapsed = (performance.now() - t0) / 1000;
      const serverCores = (server.cpuSeconds() - cpuServer0) / elapsed;
      const self = process.cpuUsage(cpuSelf0);
      const generatorCores = (self.user + self.system) / 1e6 / elapsed;
      running = false;
      await Promise.all(loops);

      const sorted = latencies.subarray(0, recorded).sort();
      const rate = ok / elapsed;
      const p50 = percentile(sorted, 50);
      const p99 = percentile(sorted, 99);
      const failures = failed === 0 ? '0' : `${fmtInt(failed)} (${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')})`;
      return {
        suite: 'legacy-signing',
        title: `${signerCount} legacy signers x ${callerCount} keep-alive callers, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up; server ${inProcess ? 'in this process' : 'in a child process'}; ${os.cpus().length} cores`,
        rows: [
          ['verified signs/s', fmtInt(rate)],
          ['latency p50 / p99', `${fmtMs(p50)} / ${fmtMs(p99)}`],
          ['failed requests', failures + (unknown ? `; ${unknown} unexpected messages at signers` : '')],
          [`verify-only, ${verifier.backend}, 1 core`, `${fmtInt(verifyRate)}/s (server verifies ${verifyThread === 'on' ? 'in a worker thread' : 'on its event loop'})`],
          ['signs/s / verify-only', rate ? (rate / verifyRate).toFixed(2) : '-'],
          ...(inProcess
            ? ([['server + load generator CPU', `${generatorCores.toFixed(2)} cores`]] as [string, string][])
            : ([
                ['server CPU', `${serverCores.toFixed(2)} cores, ${rate ? fmtInt((serverCores * 1e6) / rate) : '-'} us per sign`],
                ['load generator CPU', `${generatorCores.toFixed(2)} cores`],
              ] as [string, string][])),
        ],
        data: {
          signers: signerCount,
          callers: callerCount,
          durationMs,
          signsPerSecond: Math.round(rate),
          p50Ms: Number(p50.toFixed(3)),
          p99Ms: Number(p99.toFixed(3)),
          failed,
          verifier: verifier.backend,
          verifyThread,
          verifyOnlyPerSecond: Math.round(verifyRate),
          ratio: Number((rate / verifyRate).toFixed(3)),
          serverCores: Number(serverCores.toFixed(2)),
          serverCpuMicrosPerSign: rate ? Math.round((serverCores * 1e6) / rate) : 0,
          generatorCores: Number(generatorCores.toFixed(2)),
        },
        targetMet: rate >= TARGET_PER_SECOND && p99 < TARGET_P99_MS,
      };
    } finally {
      for (const c of callers) c.close();
      for (const s of sockets) s.terminate();
      await server.stop();
    }
  },
};
