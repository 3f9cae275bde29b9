/**
 * The README's newcomer walkthrough as data: the ```sh blocks between the two marker comments, in
 * the order a reader pastes them. Only that section counts, so the README's other examples (which
 * need a node of their own, or show a placeholder such as <wallet uuid>) are never run.
 */
export const WALKTHROUGH_START = '<!-- walkthrough:start -->';
export const WALKTHROUGH_END = '<!-- walkthrough:end -->';

export interface WalkthroughStep {
  /** 1-based, in README order. */
  readonly index: number;
  /** The block's text, without its fences. */
  readonly script: string;
  /** Its first line, to name the step in the report. */
  readonly title: string;
}

export class WalkthroughError extends Error {
  readonly code = 'WalkthroughMissing';
}

export function walkthroughSteps(readme: string): WalkthroughStep[] {
  const start = readme.indexOf(WALKTHROUGH_START);
  const end = readme.indexOf(WALKTHROUGH_END);
  if (start < 0 || end < start) throw new WalkthroughError(`README.md has no walkthrough section: mark it with ${WALKTHROUGH_START} and ${WALKTHROUGH_END}.`);
  const section = readme.slice(start + WALKTHROUGH_START.length, end);
  const steps: WalkthroughStep[] = [];
  for (const match of section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const script = match[1]!;
    steps.push({ index: steps.length + 1, script, title: script.split('\n')[0]!.trim() });
  }
  if (steps.length === 0) throw new WalkthroughError('The README walkthrough section holds no ```sh block.');
  return steps;
}
