// A min-heap of when each band next has something to send, so that a
// simulation of thousands of bands finds the next one in log time.
export interface Due<T> {
  atMs: number;
  item: T;
}

export class Schedule<T> {
  readonly #heap: Due<T>[] = [];

  get size(): number {
    return this.#heap.length;
  }

  add(atMs: number, item: T): void {
    const heap = this.#heap;
    heap.push({ atMs, item });
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.atMs <= heap[index]!.atMs) break;
      [heap[parent], heap[index]] = [heap[index]!, heap[parent]!];
      index = parent;
    }
  }

  /** The earliest entry if it is due by `atMs`, taken off the schedule. */
  takeDue(atMs: number): Due<T> | undefined {
    const heap = this.#heap;
    if (heap.length === 0 || heap[0]!.atMs > atMs) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && heap[left]!.atMs < heap[smallest]!.atMs) smallest = left;
        if (right < heap.length && heap[right]!.atMs < heap[smallest]!.atMs) smallest = right;
        if (smallest === index) break;
        [heap[smallest], heap[index]] = [heap[index]!, heap[smallest]!];
        index = smallest;
      }
    }
    return top;
  }
}
