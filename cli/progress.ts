// Live session progress on a terminal: one compact status line per session, redrawn in place
// (and every second, for the time left); plain log lines when the stream is not a TTY or with
// --json, whose progress goes to stderr as log lines, keeping stdout for the one JSON document.
import type { SessionProgress } from '../client/coordinator/index.js';
import { logLine, statusLine } from './progress-format.js';

export interface ProgressDisplay {
  update(progress: SessionProgress): void;
  /** Stops redrawing; what is on screen stays. */
  close(): void;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export function createProgressDisplay(
  opts: { json?: boolean; stream?: Stream } = {},
): ProgressDisplay {
  const stream = opts.stream ?? (opts.json ? process.stderr : process.stdout);
  return stream.isTTY && !opts.json ? new StatusLines(stream) : new LogLines(stream);
}

class LogLines implements ProgressDisplay {
  private last = '';
  constructor(private readonly stream: Stream) {}

  update(progress: SessionProgress): void {
    const line = logLine(progress, Date.now());
    if (line === null) return;
    const text = line.slice(line.indexOf(' ') + 1); // without the time: skip exact repeats
    if (text === this.last) return;
    this.last = text;
    this.stream.write(line + '\n');
  }

  close(): void {}
}

class StatusLines implements ProgressDisplay {
  private readonly views = new Map<string, SessionProgress['view']>();
  private drawn = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly stream: Stream) {
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  update(progress: SessionProgress): void {
    this.views.set(progress.view.id, progress.view);
    this.draw();
  }

  close(): void {
    clearInterval(this.timer);
    this.draw();
  }

  private draw(): void {
    const width = Math.max(20, (this.stream.columns ?? 100) - 1);
    const now = Date.now();
    // Up over the lines drawn last time, then each line cleared and rewritten (never wrapped).
    let out = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const view of this.views.values())
      out += `\r\x1b[2K${statusLine(view, now).slice(0, width)}\n`;
    this.drawn = this.views.size;
    this.stream.write(out);
  }
}
