/**
 * Issue #19: audit verify pages through long chains (bounded reads, at most `max_entries` per
 * request) and resumes with a cursor; tampering in a later page is still caught. The chain here is
 * 2,500 entries appended straight to D1 with correct hashes (the append-only triggers allow inserts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type AuditContent, auditHash } from "../../src/domain/audit-chain";
import { api, createModel, json, uniqueName } from "../support/api";

interface Verdict {
  ok: boolean;
  entries: number;
  head?: string;
  complete: boolean;
  cursor?: string;
  broken_at_seq?: number;
  reason?: string;
}

const LENGTH = 2_500;

async function longChain() {
  const name = uniqueName("chain");
  await createModel(name);
  const head = await env.DB.prepare(
    "select chain, seq, hash from audit_log where chain = (select id from models where name = ?) order by seq desc limit 1",
  )
    .bind(name)
    .first<{ chain: string; seq: number; hash: string }>();
  if (!head) throw new Error("no head");
  let prev = head.hash;
  const insert = env.DB.prepare(
    "insert into audit_log (chain, seq, model_name, action, actor, target, before, after, reason, request_id, created_at, prev_hash, hash) values (?, ?, ?, ?, ?, ?, 'null', ?, null, ?, ?, ?, ?)",
  );
  const hashes: string[] = [head.hash];
  let batch: D1PreparedStatement[] = [];
  for (let seq = head.seq + 1; seq <= LENGTH; seq++) {
    const entry: AuditContent = {
      chain: head.chain,
      seq,
      modelName: name,
      action: "model.tag_set",
      actor: "bench",
      target: `model:${name}/tags/k`,
      before: null,
      after: { n: seq },
      reason: null,
      requestId: `req-${seq}`,
      createdAt: 1_700_000_000_000 + seq,
      prevHash: prev,
    };
    prev = await auditHash(entry);
    hashes.push(prev);
    batch.push(
      insert.bind(
        entry.chain,
        seq,
        name,
        entry.action,
        entry.actor,
        entry.target,
        JSON.stringify(entry.after),
        entry.requestId,
        entry.createdAt,
        entry.prevHash,
        prev,
      ),
    );
    if (batch.length === 250) {
      await env.DB.batch(batch);
      batch = [];
    }
  }
  if (batch.length) await env.DB.batch(batch);
  return { name, chain: head.chain, head: prev };
}

const verify = async (name: string, query: string) =>
  json<Verdict>(await api("GET", `/api/v1/models/${name}/audit/verify?${query}`));

describe("audit verify in pages", () => {
  it("verifies a long chain in bounded requests and resumes with the cursor", async () => {
    const { name, head } = await longChain();
    const seen: Verdict[] = [];
    let verdict = await verify(name, "max_entries=1000");
    seen.push(verdict);
    while (!verdict.complete) {
      expect(verdict.ok).toBe(true);
      verdict = await verify(name, `max_entries=1000&cursor=${verdict.cursor}`);
      seen.push(verdict);
    }
    expect(seen.map((v) => v.entries)).toEqual([1000, 2000, 2500]);
    expect(seen.map((v) => v.complete)).toEqual([false, false, true]);
    expect(verdict).toMatchObject({ ok: true, entries: LENGTH, head });
    // One call with the default limit does the whole chain.
    expect(await verify(name, "")).toMatchObject({ ok: true, entries: LENGTH, head, complete: true });
  });

  it("a forged entry in a later page is caught there; a cursor to a changed entry is refused", async () => {
    const { name, chain } = await longChain();
    const first = await verify(name, "max_entries=1000");
    // Tamper (triggers dropped, as an attacker would) with an entry beyond the first page.
    await env.DB.prepare("drop trigger if exists audit_log_no_update").run();
    const triggers = await env.DB.prepare(
      "select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'audit_log'",
    ).all<{ name: string; sql: string }>();
    for (const t of triggers.results) await env.DB.prepare(`drop trigger ${t.name}`).run();
    await env.DB.prepare("update audit_log set actor = 'mallory' where chain = ? and seq = 1800")
      .bind(chain)
      .run();
    const second = await verify(name, `max_entries=1000&cursor=${first.cursor}`);
    expect(second).toMatchObject({
      ok: false,
      broken_at_seq: 1800,
      reason: "content hash mismatch",
      complete: true,
    });
    await env.DB.prepare("update audit_log set hash = ? where chain = ? and seq = 1000")
      .bind("f".repeat(64), chain)
      .run();
    expect(await verify(name, `cursor=${first.cursor}`)).toMatchObject({ ok: false, broken_at_seq: 1000 });
    for (const t of triggers.results) await env.DB.prepare(t.sql).run();
    const bad = await api("GET", `/api/v1/models/${name}/audit/verify?cursor=nonsense`);
    expect(bad.status).toBe(400);
  });
});
