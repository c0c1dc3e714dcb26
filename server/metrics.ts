import client from 'prom-client';

type SessionCounter = () => Array<{ kind: string; state: string; count: number }>;

/**
 * The server's Prometheus metrics, on a registry of its own (several servers can live in one
 * process, as in tests). Served at GET /metrics.
 */
export function createMetrics() {
  let countSessions: SessionCounter | undefined;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    wsConnections: new client.Gauge({
      name: 'sigsocket_ws_connections',
      help: 'Open WebSocket connections by endpoint',
      labelNames: ['endpoint'] as const,
      registers: [registry],
    }),
    wsRejected: new client.Counter({
      name: 'sigsocket_ws_rejected_total',
      help: 'WebSocket upgrades refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    signers: new client.Gauge({
      name: 'sigsocket_signers',
      help: 'Registered signer connections by kind (legacy, typed)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    signRequests: new client.Counter({
      name: 'sigsocket_sign_requests_total',
      help: 'Single-key sign requests by outcome (ok or an error code)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    signLatency: new client.Histogram({
      name: 'sigsocket_sign_latency_seconds',
      help: 'Time from sign request to verified answer',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    callsRefused: new client.Counter({
      name: 'sigsocket_calls_refused_total',
      help: 'tRPC and HTTP calls refused by a limit before any work, by code (RATE_LIMITED, BATCH_TOO_LARGE)',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    protocolErrors: new client.Counter({
      name: 'sigsocket_protocol_errors_total',
      help: 'Malformed or unexpected frames from WebSocket peers, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    sessions: new client.Gauge({
      name: 'sigsocket_sessions',
      help: 'Threshold sessions by kind and state',
      labelNames: ['kind', 'state'] as const,
      registers: [registry],
      // Read from SQLite on every scrape, so it is right after restarts too.
      collect() {
        if (!countSessions) return;
        this.reset();
        for (const { kind, state, count } of countSessions()) this.set({ kind, state }, count);
      },
    }),
    eventLoopDelay: eventLoopDelayMetrics(registry),
    /** Where the sessions gauge reads its counts (set by the sessions feature). */
    countSessionsWith(source: SessionCounter) {
      countSessions = source;
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Buckets of the event-loop delay histogram, in seconds (docs/reliability.md, "Limits"). */
const DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** How often the loop is sampled. */
const SAMPLE_MS = 10;

/**
 * How long the event loop was held, from a timer that should fire every 10 ms and measures how
 * late it is: `sigsocket_event_loop_delay_seconds`, a histogram of every sample (cumulative
 * since start), and `sigsocket_event_loop_delay_max_seconds`, the longest delay since the
 * previous scrape (each scrape starts a new window, so a test or an operator reads the worst
 * stall of a period). The timer is unref'd: it never keeps the process alive.
 */
function eventLoopDelayMetrics(registry: client.Registry) {
  const histogram = new client.Histogram({
    name: 'sigsocket_event_loop_delay_seconds',
    help: 'Event-loop delay seen by each 10 ms sample',
    buckets: DELAY_BUCKETS,
    registers: [registry],
  });
  let windowMax = 0;
  let expected = performance.now() + SAMPLE_MS;
  const probe = setInterval(() => {
    const now = performance.now();
    const delay = Math.max(0, now - expected) / 1000;
    histogram.observe(delay);
    windowMax = Math.max(windowMax, delay);
    expected = now + SAMPLE_MS;
  }, SAMPLE_MS);
  probe.unref();
  new client.Gauge({
    name: 'sigsocket_event_loop_delay_max_seconds',
    help: 'Longest event-loop delay since the previous scrape',
    registers: [registry],
    collect() {
      this.set(windowMax);
      windowMax = 0;
    },
  });
  return { stop: () => clearInterval(probe) };
}
