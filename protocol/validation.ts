/**
 * One way to say what is wrong with an input: zod issues as one plain line,
 * `path: message; path: message`. Every edge (tRPC, HTTP, CLI, wire parsers) uses it, so a
 * caller reads the same sentence whichever door it came through.
 *
 * @module
 */

/** The part of a zod issue the message needs (zod's own type, or a plain object). */
export interface IssueLike {
  path?: readonly PropertyKey[];
  message: string;
}

/** A path element as text: keys of objects in zod 4 paths may be `{ key }` records. */
function segment(part: PropertyKey | object): string {
  if (typeof part === 'object' && part !== null && 'key' in part) return String(part.key);
  return String(part);
}

/** `a.b.0` for a path, `''` for the root. */
export function issuePath(issue: IssueLike): string {
  return (issue.path ?? []).map(segment).join('.');
}

export interface DescribeOptions {
  /** Only the first issue (the wire parsers stop at the first problem). Default: all. */
  first?: boolean;
  /** Name for an issue at the root (e.g. `body`); without it the message stands alone. */
  root?: string;
  /** Where the checked value sits in a larger input (`submission`): prefixed to every path. */
  under?: string;
}

/** The issues as one line: `path: message; path: message`. */
export function describeIssues(
  error: { issues: readonly IssueLike[] },
  options: DescribeOptions = {},
): string {
  const issues = options.first ? error.issues.slice(0, 1) : error.issues;
  if (issues.length === 0) return 'malformed';
  return issues
    .map((issue) => {
      const own = issuePath(issue);
      const path = options.under
        ? [options.under, own].filter(Boolean).join('.')
        : own || options.root;
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
