/**
 * fast-check generators for retention: model histories built by replaying random operations the
 * registry allows (register, alias, stage moves, rollback, tags, approvals, children, time), plus
 * raw random facts for states no history reaches. Shared by the pure and the ledger-backed tests.
 */
import fc from "fast-check";
import type { Stage } from "../../src/domain/lifecycle";
import {
  ARTIFACTS_PURGED,
  DAY_MS,
  type ModelFacts,
  type RetentionPolicy,
  type VersionFacts,
} from "../../src/domain/retention";

export const START = Date.UTC(2026, 8, 1);
export const KEEP_TAGS = ["keep", "pin"];
export const TAG_KEYS = ["keep", "pin", "team"];

export type Op =
  | { op: "register"; days: number }
  | { op: "alias"; alias: "champion" | "shadow"; v: number }
  | { op: "stage"; to: "Staging" | "Production" | "Archived"; v: number; fastTrack: boolean }
  | { op: "rollback" }
  | { op: "tag"; key: string; v: number }
  | { op: "request"; v: number }
  | { op: "signoff"; v: number }
  | { op: "child"; v: number }
  | { op: "purged"; v: number };

const idx = fc.nat({ max: 30 });
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("register" as const), days: fc.nat({ max: 6 }) }) },
  fc.record({
    op: fc.constant("alias" as const),
    alias: fc.constantFrom("champion" as const, "shadow" as const),
    v: idx,
  }),
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("stage" as const),
      to: fc.constantFrom("Staging" as const, "Production" as const, "Archived" as const),
      v: idx,
      fastTrack: fc.boolean(),
    }),
  },
  fc.record({ op: fc.constant("rollback" as const) }),
  fc.record({ op: fc.constant("tag" as const), key: fc.constantFrom(...TAG_KEYS), v: idx }),
  fc.record({ op: fc.constant("request" as const), v: idx }),
  fc.record({ op: fc.constant("signoff" as const), v: idx }),
  fc.record({ op: fc.constant("child" as const), v: idx }),
  fc.record({ op: fc.constant("purged" as const), v: idx }),
);

/** Replays `ops` on an empty model the way the registry's rules would, returning the facts. */
export function replay(ops: Op[]): ModelFacts & { now: number } {
  let now = START;
  let prev: number | null = null;
  const vs: VersionFacts[] = [];
  const aliases = new Map<string, number>();
  const pick = (i: number) => vs[i % Math.max(1, vs.length)];
  const setStage = (v: VersionFacts, stage: Stage) => {
    if (v.stage === "Staging") v.pendingApproval = false;
    v.stage = stage;
    v.updatedAt = now;
  };
  for (const o of ops) {
    if (o.op === "register") {
      now += o.days * DAY_MS;
      vs.push({
        version: vs.length + 1,
        stage: "None",
        status: "READY",
        createdAt: now,
        updatedAt: now,
        tags: {},
        aliases: [],
        needsReview: false,
        pendingApproval: false,
        isParent: false,
      });
      continue;
    }
    if (o.op === "rollback") {
      const target = vs.find(
        (v) => v.version === prev && v.stage === "Archived" && v.status !== ARTIFACTS_PURGED,
      );
      if (!target) continue;
      const current = vs.find((v) => v.stage === "Production");
      if (current) setStage(current, "Archived");
      setStage(target, "Production");
      prev = current?.version ?? null;
      continue;
    }
    const v = pick(o.v);
    if (!v) continue;
    if (o.op === "alias") aliases.set(o.alias, v.version);
    else if (o.op === "tag") {
      v.tags[o.key] = "yes";
      v.updatedAt = now;
    } else if (o.op === "request" && v.stage === "Staging") v.pendingApproval = true;
    else if (o.op === "signoff") v.needsReview = false;
    else if (o.op === "child") v.isParent = true;
    else if (o.op === "purged" && v.stage === "Archived") v.status = ARTIFACTS_PURGED;
    else if (o.op === "stage") {
      if (o.to === "Staging" && v.stage === "None") setStage(v, "Staging");
      else if (o.to === "Archived" && v.stage !== "Archived") {
        if (v.stage === "Production") prev = v.version;
        setStage(v, "Archived");
      } else if (o.to === "Production" && (v.stage === "Staging" || (o.fastTrack && v.stage === "None"))) {
        const current = vs.find((x) => x.stage === "Production");
        if (current) setStage(current, "Archived");
        prev = current ? current.version : prev === v.version ? null : prev;
        setStage(v, "Production");
        v.needsReview = o.fastTrack;
      }
    }
  }
  for (const [alias, version] of aliases) vs.find((v) => v.version === version)?.aliases.push(alias);
  const last = vs.at(-1);
  if (last) last.aliases.push("latest");
  return { name: "m", previousProductionVersion: prev, versions: vs, now };
}

const rawVersion = (version: number) =>
  fc.record({
    version: fc.constant(version),
    stage: fc.constantFrom<Stage>("None", "Staging", "Production", "Archived"),
    status: fc.constantFrom("READY", ARTIFACTS_PURGED),
    createdAt: fc.integer({ min: START, max: START + 80 * DAY_MS }),
    updatedAt: fc.integer({ min: START, max: START + 90 * DAY_MS }),
    tags: fc.dictionary(fc.constantFrom(...TAG_KEYS), fc.constant("x"), { maxKeys: 2 }),
    aliases: fc.subarray(["champion", "latest"], { maxLength: 1 }),
    needsReview: fc.boolean(),
    pendingApproval: fc.boolean(),
    isParent: fc.boolean(),
  });

const rawModel: fc.Arbitrary<ModelFacts> = fc
  .integer({ min: 0, max: 12 })
  .chain((n) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: n }, (_, i) => rawVersion(i + 1))),
      fc.option(fc.integer({ min: 1, max: 12 })),
    ),
  )
  .map(([versions, prev]) => ({ name: "m", previousProductionVersion: prev, versions: [...versions] }));

export const historyArb: fc.Arbitrary<ModelFacts> = fc.oneof(
  { weight: 3, arbitrary: fc.array(opArb, { maxLength: 60 }).map((ops) => replay(ops)) },
  rawModel,
);

export const policyArb: fc.Arbitrary<RetentionPolicy> = fc.record({
  keep_last: fc.nat({ max: 5 }),
  archive_after_days: fc.option(fc.nat({ max: 60 }), { freq: 4 }),
  purge_after_days: fc.option(fc.nat({ max: 30 }), { freq: 4 }),
  keep_tags: fc.subarray(KEEP_TAGS),
});
