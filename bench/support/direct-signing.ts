// The in-process row of legacy-signing (docs/performance.md, "legacy-signing"): the signing
// service (`server/signing/service.ts`) called directly in this process — no HTTP, no token —
// against real legacy signers on loopback WebSockets, held by a process of their own
// (signer-process.ts). Until a public library API exists (issue 16), `requestSignature` on
// the server's own SigningService is what "in-process sendToSign" means.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { base64Decode } from '../../protocol/encoding.js';
import { startServer } from '../../server/app.js';
import { resolveConfig } from '../../server/config.js';
import type { SigningService } from '../../server/signing/service.js';
import { collectGarbage } from './gc.js';
import type { PreparedSigner } from './legacy-signers.js';
import { BENCH_CONFIG_LIMITS } from './server-process.js';
import { SignerProcess } from './signer-process.js';
import { LatencyRecorder } from './stats.js';

export interface DirectWindow {
  rate: number;
  p50: number;
  p99: number;
  failed: number;
  /** CPU of this whole process (event loop, verification thread, the callers) per sign. */
  cpuMicrosPerSign: number;
  cores: number;
}

export interface DirectOptions {
  signers: PreparedSigner[];
  /** Requests in flight at once (closed loop). */
  concurrency: number;
  repeats: number;
  windowMs: number;
  warmupMs: number;
  verifyThread: 'on' | 'off';
}

/** `concurrency` loops, each awaiting one `requestSignature` after the other. */
function closedLoop(signing: SigningService, requests: { key: string; message: Uint8Array }[]) {
  let running = true;
  let next = 0;
  let tally: { ok: number; failed: number; latencies: LatencyRecorder } | undefined;
  const loop = async () => {
    while (running) {
      const { key, message } = requests[next++ % requests.length]!;
      const started = performance.now();
      try {
        await signing.requestSignature(key, message, { via: 'internal' });
        tally?.latencies.add(performance.now() - started);
        if (tally) tally.ok++;
      } catch {
        if (tally) tally.failed++;
      }
    }
  };
  return {
    start: (concurrency: number) => Array.from({ length: concurrency }, loop),
    async window(ms: number): Promise<DirectWindow> {
      const current = { ok: 0, failed: 0, latencies: new LatencyRecorder(Math.ceil(ms * 200)) };
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      tally = current;
      await new Promise((r) => setTimeout(r, ms));
      tally = undefined;
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const { p50, p99 } = current.latencies.summary();
      return {
        rate: current.ok / seconds,
        p50,
        p99,
        failed: current.failed,
        cpuMicrosPerSign: current.ok ? (cpuSeconds * 1e6) / current.ok : NaN,
        cores: cpuSeconds / seconds,
      };
    },
    stop: () => {
      running = false;
    },
  };
}

/** Runs the in-process row: a server in this process, signers in a child, `repeats` windows. */
export async function directSigning(opts: DirectOptions): Promise<DirectWindow[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigsocket-bench-'));
  const server = await startServer(
    resolveConfig(
      {
        port: 0,
        dataDir,
        logLevel: 'warn',
        ...BENCH_CONFIG_LIMITS,
        verifyThread: opts.verifyThread,
      },
      {},
    ),
  );
  let signerProcess: SignerProcess | undefined;
  try {
    const { signing } = server.services;
    await signing.responseVerifier.ready;
    signerProcess = await SignerProcess.connect(server.wsUrl, opts.signers);
    for (const until = Date.now() + 60_000; signing.status().connections < opts.signers.length;) {
      if (Date.now() > until) throw new Error('the signers did not all register');
      await new Promise((r) => setTimeout(r, 20));
    }
    // Interleaved, so consecutive requests go to different signers (as the HTTP row).
    const perSigner = opts.signers[0]!.messages.length;
    const requests = Array.from({ length: opts.signers.length * perSigner }, (_, i) => {
      const s = opts.signers[i % opts.signers.length]!;
      const m = s.messages[Math.floor(i / opts.signers.length)]!;
      return { key: s.publicKey, message: base64Decode(m) };
    });
    const loop = closedLoop(signing, requests);
    collectGarbage();
    const loops = loop.start(opts.concurrency);
    await loop.window(opts.warmupMs);
    const windows: DirectWindow[] = [];
    for (let r = 0; r < opts.repeats; r++) windows.push(await loop.window(opts.windowMs));
    loop.stop();
    await Promise.all(loops);
    return windows;
  } finally {
    await signerProcess?.stop();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
