/** A filter that does not parse or does not type-check: where, what was expected, what was found. */
export class FilterError extends Error {
  readonly position: number;
  readonly expected: string;
  readonly found: string;

  constructor(position: number, expected: string, found: string) {
    super(`at position ${position}: expected ${expected}, found ${found}`);
    this.name = "FilterError";
    this.position = position;
    this.expected = expected;
    this.found = found;
  }
}
