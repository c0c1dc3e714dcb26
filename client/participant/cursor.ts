// Where the agent's inbox resumes. Events of different sessions are handled concurrently, so
// they may finish out of order: the cursor keeps `lastEventId` (every event up to it is handled)
// plus the ids above it already handled. The server replays from `lastEventId`; the ids in
// `handledAbove` are then skipped, so no event is handled twice across a restart. Public data,
// plain JSON in the keystore directory, overwritten in place after every event and not fsynced:
// a process crash keeps it; a power cut may lose the last updates or make it unreadable, which
// only replays events to handlers that are idempotent (any mix of two versions that still parses
// lists only events that were handled). A durable write per event was a third of an agent's
// time in a session (docs/performance.md).
import path from 'node:path';
import { z } from 'zod';
import { LastEventIdSchema } from '../../protocol/sessions.js';
import { overwriteFile, readFileIfExists } from '../durable-fs.js';

export const CURSOR_FILE = 'cursor.json';
const CursorSchema = z.object({
  lastEventId: LastEventIdSchema,
  handledAbove: z.array(z.number().int()).default([]),
});

export class InboxCursor {
  private readonly file: string;
  private last: number | undefined;
  private readonly handledAbove = new Set<number>();
  /** Ids received in this process and not yet covered by `last`, ascending. */
  private readonly outstanding: number[] = [];
  /** Length of the file on disk: a shorter text is padded to it (overwritten in place). */
  private written = 0;

  constructor(keystoreDir: string) {
    this.file = path.join(keystoreDir, CURSOR_FILE);
    const raw = readFileIfExists(this.file);
    if (raw === undefined) return;
    this.written = raw.length;
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      json = undefined;
    }
    // An unreadable cursor only costs a replay: every handler is idempotent.
    const parsed = CursorSchema.safeParse(json);
    if (!parsed.success) return;
    if (parsed.data.lastEventId != null) this.last = Number(parsed.data.lastEventId);
    for (const id of parsed.data.handledAbove) this.handledAbove.add(id);
  }

  /** Where to resume the subscription after a restart (undefined: from the beginning). */
  get lastEventId(): string | undefined {
    return this.last === undefined ? undefined : String(this.last);
  }

  /**
   * `new`: handle it. `replayed`: handled before a restart, above the resume point (expected,
   * skip). `duplicate`: at or below the resume point, or already received (skip; the server
   * should not send it).
   */
  classify(id: number): 'new' | 'replayed' | 'duplicate' {
    if ((this.last !== undefined && id <= this.last) || this.outstanding.includes(id))
      return 'duplicate';
    return this.handledAbove.has(id) ? 'replayed' : 'new';
  }

  /** An event arrived and will be handled (ids arrive ascending). */
  received(id: number): void {
    this.outstanding.push(id);
  }

  /** The event is handled: advance over every leading handled id and persist. */
  handled(id: number): void {
    this.handledAbove.add(id);
    while (this.outstanding.length > 0 && this.handledAbove.has(this.outstanding[0]!)) {
      this.last = this.outstanding.shift()!;
      this.handledAbove.delete(this.last);
    }
    for (const done of this.handledAbove)
      if (this.last !== undefined && done <= this.last) this.handledAbove.delete(done);
    const state = {
      lastEventId: this.lastEventId ?? null,
      handledAbove: [...this.handledAbove].sort((a, b) => a - b),
    };
    // ASCII only (numbers), so string length is byte length.
    const text = (JSON.stringify(state) + '\n').padEnd(this.written);
    overwriteFile(this.file, text);
    this.written = text.length;
  }
}
