/** Mutable walk state: what one block of the inflation step reads and writes, plus totals. */
export interface Walk {
  height: bigint;
  supply: bigint;
  totalMinted: bigint;
  totalBurned: bigint;
  provision: bigint;
  carry: bigint;
  minted: bigint;
  burned: bigint;
  reserve: bigint;
  scheduledPaid: bigint;
  shortfall: bigint;
  capReachedAt: bigint | null;
}
