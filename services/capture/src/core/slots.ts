/** The instance's recording slots; each slot owns a display number and a sink name prefix. */
export class SlotPool {
  private readonly busy = new Set<number>();

  constructor(readonly size: number) {}

  get used(): number {
    return this.busy.size;
  }

  isFree(slot: number): boolean {
    return slot >= 0 && slot < this.size && !this.busy.has(slot);
  }

  /** A free slot, the first free one of `preferred` if any, else the lowest; undefined when all are busy. */
  acquire(preferred: Iterable<number> = []): number | undefined {
    const candidates = [...preferred, ...Array.from({ length: this.size }, (_, i) => i)];
    const slot = candidates.find((s) => this.isFree(s));
    if (slot !== undefined) this.busy.add(slot);
    return slot;
  }

  release(slot: number): void {
    this.busy.delete(slot);
  }
}
