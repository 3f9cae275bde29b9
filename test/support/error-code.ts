/** The code of the typed error a call (or a promise) fails with; a call that succeeds fails the test. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  throw new Error('expected a refusal');
}

export async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code: string }).code;
  }
  throw new Error('expected a refusal');
}

/** The typed error (its code and sentence) a call fails with; a call that succeeds fails the test. */
export function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}
