/**
 * The figures docs/reliability.md quotes: each abuse test file counts what it tried and prints
 * one line, `abuse figures (<file>): <what> <n>, …`, when it is done.
 */
export class Figures {
  private readonly counts = new Map<string, number>();

  constructor(private readonly file: string) {}

  add(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }

  print(): void {
    const text = [...this.counts].map(([what, n]) => `${what} ${n}`).join(', ');
    console.info(`abuse figures (${this.file}): ${text}`);
  }
}
