// The load harness's oracle: compares what clients were told succeeded with what the registry holds.
import { openCopyOfD1 } from "../bench/lib/sqlite-baseline.mjs";

export async function checkOracle({ url, token, models, acked, stateDir }) {
  const problems = [];
  const get = async (path) =>
    (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
  let versions = 0;
  const aliasesSeen = new Map();
  for (const model of models) {
    const all = [];
    let pageToken = null;
    do {
      const page = await get(
        `/api/v1/models/${model}/versions?page_size=1000${pageToken ? `&page_token=${pageToken}` : ""}`,
      );
      all.push(...page.items.map((v) => v.version));
      pageToken = page.next_page_token;
    } while (pageToken);
    all.sort((a, b) => a - b);
    versions += all.length;
    if (!all.every((v, i) => v === i + 1))
      problems.push(`${model}: version numbers not gap-free: ${all.slice(0, 20)}…`);
    for (const v of acked.versions.get(model))
      if (!all.includes(v)) problems.push(`${model}: acknowledged v${v} missing`);
    const view = await get(`/api/v1/models/${model}`);
    for (const t of acked.tags.filter((t) => t.model === model)) {
      if (view.tags[t.key] !== t.value) problems.push(`${model}: acknowledged tag ${t.key} missing`);
    }
    for (const [key, version] of acked.aliases) {
      const [m, alias] = key.split("/");
      if (m === model) aliasesSeen.set(key, view.aliases[alias]);
      const inDoubt = acked.aliasesInDoubt?.get(key) ?? [];
      if (m === model && view.aliases[alias] !== version && !inDoubt.includes(view.aliases[alias])) {
        problems.push(
          `${model}: alias ${alias} is ${view.aliases[alias]}, last acknowledged ${version}` +
            (inDoubt.length ? ` (unanswered moves after it: ${inDoubt.join(", ")})` : ""),
        );
      }
    }
  }
  // Audit: one entry per change, chains unbroken (checked on a copy of the SQLite file).
  const db = openCopyOfD1(stateDir);
  for (const model of models) {
    const { id } = db.prepare("select id from models where name = ?").get(model);
    const seqs = db
      .prepare("select seq from audit_log where chain = ? order by seq")
      .all(id)
      .map((r) => Number(r.seq));
    if (!seqs.every((s, i) => s === i + 1)) problems.push(`${model}: audit sequence has gaps`);
    const ackedChanges = acked.changes.get(model) ?? 0;
    // Changes the server made but whose answer was lost in a restart are audited yet not acknowledged.
    if (seqs.length < ackedChanges)
      problems.push(`${model}: ${seqs.length} audit entries < ${ackedChanges} acknowledged changes`);
    // Each acknowledged alias: the last `alias.set` the audit trail records is what the model
    // answers (so an unanswered move accepted above really committed, and was audited).
    for (const key of acked.aliases.keys()) {
      const [m, alias] = key.split("/");
      if (m !== model) continue;
      const last = db
        .prepare(
          "select after from audit_log where chain = ? and action = 'alias.set' and target = ? order by seq desc limit 1",
        )
        .get(id, `model:${model}/aliases/${alias}`);
      const audited = last ? JSON.parse(last.after)?.version : undefined;
      if (audited !== aliasesSeen.get(key))
        problems.push(`${model}: alias ${alias} answers ${aliasesSeen.get(key)}, audit says ${audited}`);
    }
    const rows = db.prepare("select count(*) as n from model_versions where model_id = ?").get(id);
    const created = db
      .prepare("select count(*) as n from audit_log where chain = ? and action = 'model_version.created'")
      .get(id);
    if (Number(rows.n) !== Number(created.n))
      problems.push(`${model}: ${rows.n} versions but ${created.n} creation entries`);
  }
  db.close();
  if (acked.fiveHundreds.length)
    problems.push(`${acked.fiveHundreds.length} responses were 5xx: ${acked.fiveHundreds[0]}`);
  return {
    ok: problems.length === 0,
    problems,
    figures: {
      acknowledged_versions: [...acked.versions.values()].reduce((n, v) => n + v.length, 0),
      versions_in_registry: versions,
      acknowledged_tags: acked.tags.length,
      alias_moves: acked.aliases.size,
      connection_errors: acked.errors,
    },
  };
}
