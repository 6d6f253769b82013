/**
 * Token scopes: model-name globs such as `fraud-*`. Only `*` is special, so a scope is safe to
 * hand to SQLite's GLOB as a bound parameter (model names cannot contain `?`, `[` or `]`).
 * At most 50 characters: D1 refuses longer LIKE/GLOB patterns ("pattern too complex") at query time.
 */
export const SCOPE_PATTERN = /^[A-Za-z0-9._*-]{1,50}$/;

/**
 * Glob match with `*` as the only wildcard, in linear time (the greedy two-pointer walk), so a
 * pattern such as `a*a*a*a*…b` cannot make matching backtrack exponentially.
 */
export function scopeMatches(scope: string, name: string): boolean {
  let s = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (s < scope.length && scope[s] !== "*" && scope[s] === name[n]) {
      s++;
      n++;
    } else if (s < scope.length && scope[s] === "*") {
      star = s++;
      resume = n;
    } else if (star >= 0) {
      s = star + 1;
      n = ++resume;
    } else return false;
  }
  while (s < scope.length && scope[s] === "*") s++;
  return s === scope.length;
}

/** True when the caller's scopes (null = unscoped) include the model name. */
export function inScope(scopes: string[] | null, name: string): boolean {
  return scopes === null || scopes.some((scope) => scopeMatches(scope, name));
}

/**
 * Invariant 9, scopes never widen: is every name `pattern` can match also matched by `scopes`?
 * A pattern is covered when one scope matches it read as a name (a `*` in the pattern can only
 * be absorbed by a `*` of the scope). Sound, and exact for the patterns people write.
 * `pattern` null means every model, which only an unscoped caller covers.
 */
export function patternWithin(pattern: string | null, scopes: string[] | null): boolean {
  if (scopes === null) return true;
  return pattern !== null && scopes.some((scope) => scopeMatches(scope, pattern));
}

/** Every pattern of `inner` (null = every model) lies within `outer`. */
export function scopesWithin(inner: string[] | null, outer: string[] | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return inner.every((pattern) => patternWithin(pattern, outer));
}
