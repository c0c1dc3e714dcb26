/**
 * What every hardening test measures while its abuse runs against a child server: how long
 * `/healthz` took to answer (polled all along), and the longest event-loop stall the server
 * saw itself (`sigsocket_event_loop_delay_max_seconds`, a window that each scrape restarts).
 */
import { expect } from 'vitest';

/** The generous bound of the tests; the figures measured go into docs/reliability.md. */
export const HEALTH_BOUND_MS = 1_000;
/** Heap + external memory a case may leave behind after a full GC, over its idle baseline. */
export const MEMORY_BOUND_BYTES = 16 * 1024 * 1024;

export interface Probed<T> {
  result: T;
  /** Slowest /healthz answer while `abuse` ran. */
  healthMaxMs: number;
  /** /healthz polls made (at least one per 100 ms of abuse). */
  healthPolls: number;
  /** Longest event-loop delay inside the server while `abuse` ran. */
  stallMaxMs: number;
}

/** One metric's value from `/metrics` (no labels). */
export async function readMetric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no metric ${name} in /metrics`);
  return Number(line.slice(name.length + 1));
}

async function timedHealth(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
  return performance.now() - started;
}

/**
 * Runs `abuse` while polling `/healthz` every 50 ms, and reads the server's worst event-loop
 * stall over the same window. Fails if a poll does not answer 200.
 */
export async function whileProbing<T>(url: string, abuse: () => Promise<T>): Promise<Probed<T>> {
  await readMetric(url, 'sigsocket_event_loop_delay_max_seconds'); // starts a new window
  let running = true;
  let healthMaxMs = 0;
  let healthPolls = 0;
  const poller = (async () => {
    while (running) {
      healthMaxMs = Math.max(healthMaxMs, await timedHealth(url));
      healthPolls++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  let result: T;
  try {
    result = await abuse();
  } finally {
    running = false;
    await poller;
  }
  const stallMaxMs = 1000 * (await readMetric(url, 'sigsocket_event_loop_delay_max_seconds'));
  return { result, healthMaxMs, healthPolls, stallMaxMs };
}

/** The assertions every case shares: health answered within the bound throughout. */
export function expectResponsive(probed: Probed<unknown>, label: string): void {
  expect(probed.healthPolls, `${label}: /healthz polls`).toBeGreaterThan(0);
  expect(probed.healthMaxMs, `${label}: slowest /healthz (ms)`).toBeLessThan(HEALTH_BOUND_MS);
  console.log(
    `hardening figures (${label}): slowest /healthz ${probed.healthMaxMs.toFixed(1)} ms, ` +
      `worst event-loop stall ${probed.stallMaxMs.toFixed(1)} ms, ${probed.healthPolls} polls`,
  );
}

/** Fails unless memory after GC is within MEMORY_BOUND_BYTES of `baseline`. */
export function expectMemoryNear(
  baseline: { heapUsed: number; external: number },
  after: { heapUsed: number; external: number },
  label: string,
): void {
  const grown = after.heapUsed + after.external - (baseline.heapUsed + baseline.external);
  console.log(
    `hardening figures (${label}): memory after GC ${(grown / 2 ** 20).toFixed(1)} MiB over idle`,
  );
  expect(grown, `${label}: memory over the idle baseline (bytes)`).toBeLessThan(MEMORY_BOUND_BYTES);
}
