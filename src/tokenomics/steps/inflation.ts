/**
 * docs/protocol.md §13.1: exact per-block inflation. The annual provision is fixed once per inflation year and
 * paid out as floor((provision + carry) / Y) per block with the remainder carried, so a year issues
 * exactly the provision: after i blocks of a year, floor(i * provision / Y) tokens have been issued.
 */
import { applyBps, minBig } from '../amount.ts';
import type { Ledger } from '../ledger.ts';
import type { SupplyState } from '../records.ts';

export interface InflationStep {
  readonly mint: bigint;
  readonly carry: bigint;
}

/** The unclipped mint of one block and the carry that follows it. */
export function inflationStep(annualProvision: bigint, carry: bigint, blocksPerYear: bigint): InflationStep {
  const due = annualProvision + carry;
  return { mint: due / blocksPerYear, carry: due % blocksPerYear };
}

/** Closed form: tokens issued (unclipped) by the first `blocksIntoYear` blocks of an inflation year. */
export function issuedAfter(annualProvision: bigint, blocksIntoYear: bigint, blocksPerYear: bigint): bigint {
  return (annualProvision * blocksIntoYear) / blocksPerYear;
}

/** The provision of a new inflation year, from the total supply at its start. */
export function annualProvisionFor(totalSupply: bigint, inflationRateBps: bigint): bigint {
  return applyBps(totalSupply, inflationRateBps);
}

/** Step 1 of every block: mint this block's inflation into the reserve, clipped to the cap. */
export function runInflation(l: Ledger): void {
  const supply = l.supply();
  const { mint, carry } = inflationStep(supply.annualProvision, supply.carry, l.params().blocksPerYear);
  // The carry advances as if unclipped, so clipping never shifts later blocks' amounts.
  l.setSupply({ ...supply, carry });
  const clipped = minBig(mint, l.mintHeadroom());
  l.mint(clipped, 'inflation', { account: l.reserveId() });
}

/** Fixes the next year's provision after a block at a multiple of blocks_per_year (and at genesis). */
export function fixProvisionIfYearEnds(l: Ledger): void {
  if (l.position.height % l.params().blocksPerYear !== 0n) return;
  l.setSupply(startInflationYear(l.supply(), l.params().supply.inflationRateBps));
}

export function startInflationYear(supply: SupplyState, inflationRateBps: bigint): SupplyState {
  return {
    ...supply,
    annualProvision: annualProvisionFor(supply.totalMinted - supply.totalBurned, inflationRateBps),
    carry: 0n,
  };
}
