// Counters an operator reads to see what the edge refused and why.
export class EdgeCounters {
  /** reason → how many messages or connections were refused for it */
  readonly rejected = new Map<string, number>();
  accepted = 0;

  reject(reason: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  snapshot(): { accepted: number; rejected: Record<string, number> } {
    return { accepted: this.accepted, rejected: Object.fromEntries(this.rejected) };
  }
}
