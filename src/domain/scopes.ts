/**
 * Token scopes: model-name globs such as `fraud-*`. Only `*` is special, so a scope is safe to
 * hand to SQLite's GLOB as a bound parameter (model names cannot contain `?`, `[` or `]`).
 */
export const SCOPE_PATTERN = /^[A-Za-z0-9._*-]{1,128}$/;

export function scopeMatches(scope: string, name: string): boolean {
  const regex = new RegExp(`^${scope.replace(/[.+?^${}()|[\]\\-]/g, "\\$&").replaceAll("*", ".*")}$`);
  return regex.test(name);
}

/** True when the caller's scopes (null = unscoped) include the model name. */
export function inScope(scopes: string[] | null, name: string): boolean {
  return scopes === null || scopes.some((scope) => scopeMatches(scope, name));
}
