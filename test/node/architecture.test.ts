import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "..", "src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : /\.tsx?$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

const source = (file: string) => readFileSync(file, "utf8");
const rel = (file: string) => relative(SRC, file);

/**
 * Invariant 3 (one writer per model) as a property of the source: model state is written only by
 * the ledger. Routes, jobs and events may read, and may call the ledger, but never build writes to
 * model tables themselves.
 */
describe("architecture", () => {
  const modelTables = [
    "models",
    "modelTags",
    "modelVersions",
    "versionTags",
    "aliases",
    "auditLog",
    "rollouts",
  ];
  const writeCall = new RegExp(`\\.(insert|update|delete)\\((${modelTables.join("|")})\\b`);

  it("only src/db/repos builds INSERT/UPDATE/DELETE on model tables", () => {
    const offenders = files(SRC)
      .filter((f) => !rel(f).startsWith("db/repos/"))
      .filter((f) => writeCall.test(source(f)));
    expect(offenders.map(rel)).toEqual([]);
  });

  it("route handlers never import write builders of model tables from repos", () => {
    const builders =
      /\b(insertModel|upsertModelTags|deleteModelTag|touchModel|deleteModelCascade|insertVersion|upsertVersionTags|deleteVersionTag|updateVersion|upsertAlias|deleteAlias|insertAudit|commitBatch|insertRollout|updateRollout)\b/;
    const offenders = files(join(SRC, "routes"))
      .filter((f) => /import[^;]*from "\.\.\/\.\.\/db\/(repos|client)/.test(source(f)))
      .filter((f) =>
        [...source(f).matchAll(/import\s*{([^}]*)}\s*from "\.\.\/\.\.\/db\/[^"]+"/g)].some((m) =>
          builders.test(m[1] ?? ""),
        ),
      );
    expect(offenders.map(rel)).toEqual([]);
  });

  it("SQL lives in src/db and R2 access in src/storage", () => {
    const sqlOutsideDb = files(SRC).filter(
      (f) => !rel(f).startsWith("db/") && /\.prepare\(|\bsql`/.test(source(f)),
    );
    expect(sqlOutsideDb.map(rel)).toEqual([]);
    const r2Outside = files(SRC).filter(
      (f) => !rel(f).startsWith("storage/") && /env\.BLOBS\b|\.BLOBS\./.test(source(f)),
    );
    expect(r2Outside.map(rel)).toEqual([]);
  });
});
