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
  /** The paragraph just before the block (else the block's first line), to name the step in the report. */
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
  let prose = 0;
  for (const match of section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const script = match[1]!;
    const paragraphs = section.slice(prose, match.index).split(/\n\s*\n/).map((p) => p.trim().replace(/\s+/g, ' ')).filter((p) => p.length > 0);
    prose = match.index + match[0].length;
    steps.push({ index: steps.length + 1, script, title: (paragraphs.at(-1) ?? script.split('\n')[0]!).replace(/:$/, '') });
  }
  if (steps.length === 0) throw new WalkthroughError('The README walkthrough section holds no ```sh block.');
  return steps;
}
