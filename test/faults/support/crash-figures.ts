// The figures a crash test file establishes (docs/reliability.md cites them): kills and
// disconnects survived, sessions whose end and events were checked, deliveries and nonce
// commitments checked against the database, and where the kills found the sessions.
const counts = { kills: 0, disconnects: 0, sessionsChecked: 0 };
/** Each delivery checked against its database, as `dataDir subscriber eventId` (counted once). */
const deliveries = new Set<string>();
/** Each published nonce commitment point checked against its participant's log. */
const commitments = new Set<string>();
/** How often a kill found a session in each stored state (`sign shares`). */
const statesAtKills = new Map<string, number>();

export const tally = {
  kill: () => void counts.kills++,
  disconnect: () => void counts.disconnects++,
  session: () => void counts.sessionsChecked++,
  deliveries(dataDir: string, subscriber: string, ids: number[]): void {
    for (const id of ids) deliveries.add(`${dataDir} ${subscriber} ${id}`);
  },
  commitment: (dataDir: string, point: string) => void commitments.add(`${dataDir} ${point}`),
  stateAtKill(kind: string, state: string): void {
    const at = `${kind} ${state}`;
    statesAtKills.set(at, (statesAtKills.get(at) ?? 0) + 1);
  },
};

/** Prints the figures of this file (vitest shows them with the file's output). */
export function reportFigures(what: string): void {
  const all = {
    ...counts,
    eventsChecked: deliveries.size,
    commitmentsChecked: commitments.size,
    statesAtKills: Object.fromEntries(statesAtKills),
  };
  console.log(`crash figures (${what}): ${JSON.stringify(all)}`);
}
