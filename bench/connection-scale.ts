// Idle connections at scale. Two copies of the real server run in child processes: the scaled
// one holds K idle legacy signers (proof of possession passed) and 1,000 idle
// participant.inbox subscriptions, opened by a third process (bench/support/idle-crowd.ts) so
// that this one, which measures, stays small; the other holds nothing but the active signer.
// We read the scaled server's RSS from /proc and measure POST /sign latency at a fixed moderate
// rate (open loop) against one active signer on each server, alternating windows between the
// two, so the K = 1 figure is taken under the same machine load as the loaded one (this
// machine is shared; p99 drifts with the other jobs more than with K). Open files: Node starts
// every process at its hard limit; the suite checks that it is enough for K and records the
// limits the server and crowd processes run with (bench/support/open-files.ts).
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { issueToken } from '../server/auth/jwt.js';
import { secretFromString } from '../server/auth/secret.js';
import { profilesDir } from './support/cpu-profile.js';
import { signRequestBytes, type RawHttpCaller } from './support/http-caller.js';
import { IdleCrowd } from './support/idle-crowd.js';
import { connectSigners, prepareSigners, waitForSigners } from './support/legacy-signers.js';
import { openFileLimits, requireOpenFiles } from './support/open-files.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { openCallers, openLoop, type WindowFigures } from './support/sign-load.js';
import { median } from './support/stats.js';
import {
  fmtInt,
  fmtMb,
  fmtMs,
  fmtRatio,
  listFlag,
  numberFlag,
  progress,
  round,
  type BenchSuite,
} from './suite.js';

const TARGET_RSS_BYTES = 512 * 2 ** 20;
const TARGET_P99_RATIO = 1.5;

/** A server with one active signer and callers ready to drive POST /sign to it. */
interface Target {
  server: ServerProcess;
  window(rate: number, ms: number): Promise<WindowFigures>;
  close(): Promise<void>;
}

async function startTarget(
  secret: string,
  maxConnections: number,
  nodeArgs: string[],
): Promise<Target> {
  const server = await startServerProcess(
    [
      '--jwt-secret',
      secret,
      '--max-connections-per-ip',
      String(maxConnections),
      '--log-level',
      'error',
    ],
    nodeArgs,
  );
  let sockets: WebSocket[] = [];
  let callers: RawHttpCaller[] = [];
  const close = async () => {
    for (const c of callers) c.close();
    for (const s of sockets) s.terminate();
    await server.stop();
  };
  try {
    const { hostname, port } = new URL(server.url);
    const active = prepareSigners(1, 64)[0]!;
    sockets = await connectSigners(server.url.replace(/^http/, 'ws'), [active], () => {});
    await waitForSigners(server.url, 1);
    const token = await issueToken(secretFromString(secret), {
      sub: 'bench',
      role: 'coordinator',
      ttl: '1h',
    });
    const requests = active.messages.map((m) =>
      signRequestBytes(`${hostname}:${port}`, token, active.publicKey, m),
    );
    callers = await openCallers(hostname, Number(port), 64);
    return { server, window: (rate, ms) => openLoop(callers, requests, rate, ms), close };
  } catch (err) {
    await close();
    throw err;
  }
}

interface Step {
  label: string;
  signers: number;
  subscriptions: number;
  rssBytes: number;
  loaded: WindowFigures[];
  baseline: WindowFigures[];
}

const p = (windows: WindowFigures[], pick: (w: WindowFigures) => number) =>
  median(windows.map(pick));

export const connectionScale: BenchSuite = {
  name: 'connection-scale',
  description:
    'server RSS per idle connection and POST /sign latency with K idle legacy signers + 1k inbox subscriptions',
  async run({ quick, flags }) {
    const ks = listFlag(flags, 'k', quick ? [2_000] : [1_000, 5_000, 10_000]);
    const subscriptionCount = numberFlag(flags, 'subscriptions', quick ? 500 : 1_000);
    const rate = numberFlag(flags, 'rate', 200);
    // Many short windows: the median of their p99s shrugs off a stall or two from other jobs.
    const windowMs = numberFlag(flags, 'duration-ms', quick ? 1_000 : 2_000);
    const repeats = numberFlag(flags, 'repeats', quick ? 5 : 6);
    // Open files each of the server and crowd processes may need: K + S sockets and a margin.
    const needed = Math.max(...ks) + subscriptionCount + 200;
    const limits = requireOpenFiles(needed, 'connection-scale');
    const nodeArgs =
      flags['cpu-prof'] === true ? ['--cpu-prof', '--cpu-prof-dir', profilesDir] : [];

    const secret = randomBytes(32).toString('hex');
    const scaled = await startTarget(secret, needed, nodeArgs);
    const baseline = await startTarget(secret, needed, []).catch(async (err) => {
      await scaled.close();
      throw err;
    });
    const crowd = new IdleCrowd(scaled.server.url, secret);
    try {
      const steps: Step[] = [];
      const measure = async (label: string, signers: number, subscriptions: number) => {
        progress(`${label}: measuring`);
        await new Promise((r) => setTimeout(r, 1_000));
        const step: Step = {
          label,
          signers,
          subscriptions,
          rssBytes: scaled.server.rssBytes(),
          loaded: [],
          baseline: [],
        };
        for (let r = 0; r < repeats; r++) {
          step.loaded.push(await scaled.window(rate, windowMs));
          step.baseline.push(await baseline.window(rate, windowMs));
        }
        steps.push(step);
      };

      await scaled.window(rate, 1_000); // warm-up
      await baseline.window(rate, 1_000);
      await measure('1 signer', 0, 0);
      await crowd.ask({ subscriptions: subscriptionCount });
      // The limits the connection holders run with (NaN → null without /proc).
      const openFiles = {
        needed,
        soft: limits.soft,
        hard: Number.isFinite(limits.hard) ? limits.hard : 'unlimited',
        serverSoft: openFileLimits(scaled.server.pid).soft,
        crowdSoft: openFileLimits(crowd.pid).soft,
      };
      if (Math.min(openFiles.serverSoft, openFiles.crowdSoft) < needed) {
        throw new Error(
          `connection-scale: the server and crowd processes run with open-file limits ` +
            `${openFiles.serverSoft} and ${openFiles.crowdSoft}, below the ${needed} needed`,
        );
      }
      await measure(`+ ${fmtInt(subscriptionCount)} subscriptions`, 0, subscriptionCount);
      for (const k of ks) {
        progress(`connecting idle signers up to ${fmtInt(k)}`);
        await crowd.ask({ signers: k });
        await waitForSigners(scaled.server.url, k + 1, 120_000);
        await measure(`+ ${fmtInt(k)} idle signers`, k, subscriptionCount);
      }

      const [first, withSubs, top] = [steps[0]!, steps[1]!, steps[steps.length - 1]!];
      const perSubscription = (withSubs.rssBytes - first.rssBytes) / subscriptionCount;
      const perSigner = (top.rssBytes - withSubs.rssBytes) / top.signers;
      const windows = steps.flatMap((s) => [...s.loaded, ...s.baseline]);
      const failed = windows.reduce((n, w) => n + w.failed, 0);
      const skipped = windows.reduce((n, w) => n + w.skipped, 0);
      const p99Ratio = p(top.loaded, (w) => w.p99) / p(top.baseline, (w) => w.p99);
      const rssAt10k =
        top.signers >= 10_000 ? top.rssBytes : withSubs.rssBytes + 10_000 * perSigner;
      const figures = (w: WindowFigures) => ({
        ok: w.ok,
        failed: w.failed,
        skipped: w.skipped,
        p50Ms: round(w.p50, 3),
        p99Ms: round(w.p99, 3),
      });
      return {
        suite: 'connection-scale',
        title:
          `two servers in child processes (one loaded with idle connections, one with only the active signer); POST /sign at ` +
          `${rate}/s (open loop) to one active legacy signer on each, ${repeats} alternating windows of ${windowMs / 1000} s per step, medians`,
        rows: [
          [
            'RSS per idle legacy signer',
            `${fmtInt(perSigner / 1024)} KiB (from ${fmtInt(withSubs.signers + 1)} to ${fmtInt(top.signers + 1)} signers)`,
          ],
          ['RSS per idle inbox subscription', `${fmtInt(perSubscription / 1024)} KiB`],
          [
            `RSS with ${fmtInt(top.signers)} signers + ${fmtInt(subscriptionCount)} subscriptions`,
            `${fmtMb(top.rssBytes)} (target < 512 MB)`,
          ],
          [
            `p99 with ${fmtInt(top.signers)} idle signers / with 1`,
            `${fmtRatio(p99Ratio)} (target <= 1.5x)`,
          ],
          ['failed requests; starts skipped (all 64 callers busy)', `${failed}; ${skipped}`],
        ],
        tables: [
          {
            title: 'per step (loaded server vs the 1-signer server in alternating windows)',
            columns: [
              'loaded server holds',
              'RSS',
              'p50',
              'p99',
              'p50 with 1',
              'p99 with 1',
              'p99 ratio',
            ],
            rows: steps.map((s) => [
              s.label,
              fmtMb(s.rssBytes),
              fmtMs(p(s.loaded, (w) => w.p50)),
              fmtMs(p(s.loaded, (w) => w.p99)),
              fmtMs(p(s.baseline, (w) => w.p50)),
              fmtMs(p(s.baseline, (w) => w.p99)),
              fmtRatio(p(s.loaded, (w) => w.p99) / p(s.baseline, (w) => w.p99)),
            ]),
          },
        ],
        data: {
          rate,
          windowMs,
          repeats,
          subscriptions: subscriptionCount,
          openFiles,
          rssPerSignerBytes: Math.round(perSigner),
          rssPerSubscriptionBytes: Math.round(perSubscription),
          p99Ratio: round(p99Ratio),
          failed,
          skipped,
          steps: steps.map((s) => ({
            label: s.label,
            signers: s.signers,
            subscriptions: s.subscriptions,
            rssBytes: s.rssBytes,
            p50Ms: round(
              p(s.loaded, (w) => w.p50),
              3,
            ),
            p99Ms: round(
              p(s.loaded, (w) => w.p99),
              3,
            ),
            baselineP50Ms: round(
              p(s.baseline, (w) => w.p50),
              3,
            ),
            baselineP99Ms: round(
              p(s.baseline, (w) => w.p99),
              3,
            ),
            windows: s.loaded.map(figures),
            baselineWindows: s.baseline.map(figures),
          })),
        },
        notes: [
          'RSS is what the OS reports for the server process: it includes garbage not yet collected, so ' +
            'per-connection figures from a few thousand connections carry several MB of GC noise; the full ' +
            "run's 10,000 signers is the figure to use.",
        ],
        targets: [
          {
            name: `10,000 signers + ${fmtInt(subscriptionCount)} subscriptions in < 512 MB RSS`,
            met: rssAt10k < TARGET_RSS_BYTES,
            measured:
              top.signers >= 10_000
                ? fmtMb(top.rssBytes)
                : `${fmtMb(rssAt10k)} projected from ${fmtInt(top.signers)} signers (the full run measures it)`,
          },
          {
            name: `p99 with ${fmtInt(top.signers)} idle signers <= ${TARGET_P99_RATIO}x the figure with 1`,
            met: p99Ratio <= TARGET_P99_RATIO,
            measured: `${fmtMs(p(top.loaded, (w) => w.p99))} vs ${fmtMs(p(top.baseline, (w) => w.p99))}: ${fmtRatio(p99Ratio)}`,
          },
        ],
      };
    } finally {
      await crowd.stop();
      await scaled.close();
      await baseline.close();
    }
  },
};
