// The "limit" baselines: the same SQL the registry runs, straight on a SQLite file with node:sqlite,
// in the same run, so HTTP + Worker + Durable Object overhead shows as a ratio.
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.removeAllListeners("warning"); // node:sqlite is "experimental" in Node 22; the warning is noise here
const { DatabaseSync } = await import("node:sqlite");

/** Copies the registry's local D1 file (so the baseline never touches the live state). */
export function openCopyOfD1(stateDir) {
  const dir = join(stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database under ${dir}`);
  const copy = join(mkdtempSync(join(tmpdir(), "bench-sqlite-")), "registry.sqlite");
  copyFileSync(join(dir, file), copy);
  // Recent commits may still sit in the write-ahead log: copy it too, or the copy is stale.
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(join(dir, file + suffix))) copyFileSync(join(dir, file + suffix), copy + suffix);
  }
  return new DatabaseSync(copy);
}

/**
 * One registration as the ledger writes it: version row, model counter, audit entry, outbox event,
 * in one transaction. Returns a function that performs registration i of `modelId`.
 */
export function registrationStatements(db, modelId) {
  const insertVersion = db.prepare(
    `insert into model_versions (id, model_id, version, description, stage, status, created_by, created_at, updated_at,
       needs_review, params, metrics, slices, datasets, provenance, files, manifest_digest, total_size)
     values (?, ?, ?, '', 'None', 'READY', 'bench', ?, ?, 0, '{}', ?, '{}', '[]', '{}', '[]', ?, 0)`,
  );
  const touch = db.prepare("update models set last_version = ?, updated_at = ? where id = ?");
  const audit = db.prepare(
    `insert into audit_log (chain, seq, model_name, action, actor, target, before, after, request_id, created_at, prev_hash, hash)
     values (?, ?, 'bench', 'model_version.created', 'bench', 'x', null, '{}', 'r', ?, ?, ?)`,
  );
  const outbox = db.prepare(
    "insert into outbox_events (id, model_id, model_name, sequence, type, envelope, created_at) values (?, ?, 'bench', ?, 'model_version.created', '{}', ?)",
  );
  const head = db.prepare("select coalesce(max(seq), 0) as seq from audit_log where chain = ?");
  const last = db.prepare("select last_version from models where id = ?");
  return (i) => {
    const t = Date.now();
    db.exec("begin");
    const version = Number(last.get(modelId).last_version) + 1;
    const seq = Number(head.get(modelId).seq) + 1;
    insertVersion.run(
      `ver_b${modelId}${i}`,
      modelId,
      version,
      t,
      t,
      JSON.stringify({ auc: i / 1e6 }),
      `sha256:${"0".repeat(64)}`,
    );
    touch.run(version, t, modelId);
    audit.run(modelId, seq, t, "0".repeat(64), "1".repeat(64));
    outbox.run(`evt_b${modelId}${i}`, modelId, seq, t);
    db.exec("commit");
  };
}
