/**
 * The equivocations a node keeps as evidence (docs/protocol.md §14.2), bounded (docs/protocol.md §9): one per
 * (slot, proposer), however many more blocks that validator signs for the slot, and at most
 * `capacity` in all, the oldest dropped first. A validator that equivocates every slot cannot grow
 * this node's memory or the `GET /v1/evidence` answer without limit.
 */
export class EvidenceLog<T extends { readonly slot: bigint; readonly proposer: string }> {
  private readonly entries = new Map<string, T>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Keeps the evidence unless that (slot, proposer) already has some; true when it was kept. */
  add(evidence: T): boolean {
    const key = `${evidence.slot}:${evidence.proposer}`;
    if (this.entries.has(key)) return false;
    this.entries.set(key, evidence);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return true;
  }

  /** Oldest first. */
  list(): T[] {
    return [...this.entries.values()];
  }
}
