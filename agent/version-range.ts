/**
 * Just enough of semver ranges for the supported-version constants instrumentations declare:
 * `*`, and space-separated comparators (`>=4.0.0 <6`, `^2.1.0` is not needed and not supported).
 * Prerelease versions count as their release (`5.0.0-beta.1` satisfies `>=5.0.0`), as
 * instrumentations are written against release shapes and branch on shape, not on version.
 */

function parse(version: string): [number, number, number] | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

export function satisfies(version: string, range: string): boolean {
  const parsed = parse(version);
  if (!parsed) return false;
  for (const comparator of range.trim().split(/\s+/)) {
    if (comparator === '*' || comparator === '') continue;
    const match = /^(>=|<=|>|<|=)?(.+)$/.exec(comparator);
    const bound = match ? parse(match[2]) : undefined;
    if (!match || !bound) return false;
    const order = compare(parsed, bound);
    const ok =
      match[1] === '>=' ? order >= 0 : match[1] === '<=' ? order <= 0 : match[1] === '>' ? order > 0 : match[1] === '<' ? order < 0 : order === 0;
    if (!ok) return false;
  }
  return true;
}
