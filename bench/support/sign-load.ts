// Driving POST /sign with prebuilt requests over RawHttpCallers: closed loop (each caller sends
// its next request when the previous one is answered: throughput) or open loop (requests
// start at a fixed rate whatever the latency: latency at a given load).
import { RawHttpCaller } from './http-caller.js';
import { LatencyRecorder } from './stats.js';

export interface WindowFigures {
  seconds: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  /** Open loop only: starts that found every caller busy and were skipped. */
  skipped: number;
}

class Tally {
  ok = 0;
  failed = 0;
  skipped = 0;
  readonly statuses: Record<string, number> = {};
  readonly latencies: LatencyRecorder;

  constructor(capacity: number) {
    this.latencies = new LatencyRecorder(capacity);
  }

  record(status: number, ms: number): void {
    if (status === 200) {
      this.ok++;
      this.latencies.add(ms);
    } else {
      this.failed++;
      this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    }
  }

  figures(seconds: number): WindowFigures {
    const { ok, failed, statuses, skipped } = this;
    return { seconds, ok, failed, statuses, skipped, ...this.latencies.summary() };
  }
}

export async function openCallers(
  host: string,
  port: number,
  count: number,
): Promise<RawHttpCaller[]> {
  const callers = Array.from({ length: count }, () => new RawHttpCaller(host, port));
  await Promise.all(callers.map((c) => c.ready));
  return callers;
}

/**
 * Closed loop: every caller keeps one request in flight, cycling through `requests`. Call
 * `window(ms)` once or more to measure; `stop()` ends the loops.
 */
export function closedLoop(callers: RawHttpCaller[], requests: Buffer[]) {
  let running = true;
  let next = 0;
  let tally: Tally | undefined;
  const loops = callers.map(async (caller) => {
    while (running) {
      const started = performance.now();
      const status = await caller.request(requests[next++ % requests.length]!);
      tally?.record(status, performance.now() - started);
    }
  });
  return {
    async window(ms: number): Promise<WindowFigures> {
      const current = new Tally(Math.ceil(ms * 100)); // room for 100k requests/s
      tally = current;
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, ms));
      tally = undefined;
      return current.figures((performance.now() - t0) / 1000);
    },
    async stop(): Promise<void> {
      running = false;
      await Promise.all(loops);
    },
  };
}

/**
 * Open loop for `ms`: a request starts every 1/`perSecond` s on a free caller (a start that
 * finds all callers busy is counted as skipped, never queued), latency from its scheduled
 * start. Resolves after the last answer.
 */
export async function openLoop(
  callers: RawHttpCaller[],
  requests: Buffer[],
  perSecond: number,
  ms: number,
): Promise<WindowFigures> {
  const tally = new Tally(Math.ceil((perSecond * ms) / 1000) + 1);
  const free = [...callers];
  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / perSecond;
  const t0 = performance.now();
  let sent = 0;
  const total = Math.floor((perSecond * ms) / 1000);
  while (sent < total) {
    const due = t0 + sent * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Catch up on every start that is due (timers are coarse); latency counts from `due`.
    while (sent < total && t0 + sent * interval <= performance.now()) {
      const scheduled = t0 + sent * interval;
      const caller = free.shift(); // rotate: no caller idles into the keep-alive timeout
      const bytes = requests[sent++ % requests.length]!;
      if (!caller) {
        tally.skipped++;
        continue;
      }
      const done: Promise<void> = caller.request(bytes).then((status) => {
        tally.record(status, performance.now() - scheduled);
        free.push(caller);
        inFlight.delete(done);
      });
      inFlight.add(done);
    }
  }
  await Promise.all(inFlight);
  return tally.figures((performance.now() - t0) / 1000);
}
