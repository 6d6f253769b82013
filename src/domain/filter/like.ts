/**
 * MLflow's LIKE is case-sensitive; SQLite's is not (for ASCII). GLOB is case-sensitive, so a LIKE
 * pattern is translated: % → *, _ → ?, and GLOB's own metacharacters become one-character classes.
 * A fixed prefix (`fraud%` → `fraud*`) still lets SQLite use the name index.
 */
export function likeToGlob(pattern: string): string {
  let glob = "";
  for (const ch of pattern) {
    if (ch === "%") glob += "*";
    else if (ch === "_") glob += "?";
    else if (ch === "*" || ch === "?" || ch === "[") glob += `[${ch}]`;
    else glob += ch;
  }
  return glob;
}
