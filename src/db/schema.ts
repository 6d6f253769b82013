/**
 * D1 tables as drizzle sees them. The SQL that creates them is in migrations/ (hand-written, applied
 * by wrangler); test/db/schema-drift.test.ts fails when this file and the migrated database disagree.
 * docs/storage.md explains every table. Times are epoch milliseconds.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { type MetricGate, type RegistrationGates, SIGNATURE_COMPATIBILITY } from "../domain/policy";
import type { Guard, GuardBreach, RolloutHistoryEntry, RolloutStatus } from "../domain/rollouts/rollout";
import type { Dataset, FileEntry, Provenance } from "../domain/version-record";

type Json = Record<string, unknown>;

export const models = sqliteTable(
  "models",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    owner: text("owner").notNull(),
    /** Highest version number ever allocated: numbers are never reused, even after a delete. */
    lastVersion: integer("last_version").notNull().default(0),
    /** The version that was in Production before the current one: the rollback target (0003). */
    previousProductionVersion: integer("previous_production_version"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("models_name_unique").on(t.name), index("models_updated_idx").on(t.updatedAt, t.name)],
);

export const modelTags = sqliteTable(
  "model_tags",
  {
    modelId: text("model_id").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.key] })],
);

export const modelVersions = sqliteTable(
  "model_versions",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id").notNull(),
    version: integer("version").notNull(),
    description: text("description").notNull().default(""),
    stage: text("stage", { enum: ["None", "Staging", "Production", "Archived"] })
      .notNull()
      .default("None"),
    status: text("status").notNull().default("READY"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    needsReview: integer("needs_review", { mode: "boolean" }).notNull().default(false),
    runId: text("run_id"),
    sourceUri: text("source_uri"),
    params: text("params", { mode: "json" }).$type<Record<string, string>>().notNull(),
    metrics: text("metrics", { mode: "json" }).$type<Record<string, number>>().notNull(),
    slices: text("slices", { mode: "json" }).$type<Record<string, Record<string, number>>>().notNull(),
    datasets: text("datasets", { mode: "json" }).$type<Dataset[]>().notNull(),
    provenance: text("provenance", { mode: "json" }).$type<Provenance>().notNull(),
    parentModel: text("parent_model"),
    parentVersion: integer("parent_version"),
    signature: text("signature", { mode: "json" }).$type<Json>(),
    modelCard: text("model_card", { mode: "json" }).$type<Json>(),
    files: text("files", { mode: "json" }).$type<FileEntry[]>().notNull(),
    manifestDigest: text("manifest_digest").notNull(),
    totalSize: integer("total_size").notNull().default(0),
    /** A sample input, checked against the signature at registration (issue #19, 0012). */
    inputExample: text("input_example", { mode: "json" }).$type<unknown>(),
  },
  (t) => [
    uniqueIndex("model_versions_model_version_unique").on(t.modelId, t.version),
    index("model_versions_stage_idx").on(t.modelId, t.stage),
    index("model_versions_parent_idx").on(t.parentModel, t.parentVersion),
    index("model_versions_created_idx").on(t.createdAt),
    // Invariant 6 backstop (migrations/0003): at most one Production version per model.
    uniqueIndex("model_versions_one_production").on(t.modelId).where(sql`stage = 'Production'`),
  ],
);

export const versionTags = sqliteTable(
  "version_tags",
  {
    versionId: text("version_id").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.key] })],
);

export const aliases = sqliteTable(
  "aliases",
  {
    modelId: text("model_id").notNull(),
    alias: text("alias").notNull(),
    version: integer("version").notNull(),
    updatedAt: integer("updated_at").notNull(),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.modelId, t.alias] }),
    index("aliases_version_idx").on(t.modelId, t.version),
  ],
);

/**
 * Append-only, hash-chained audit log. `chain` is the model id (or `system` for tokens); the
 * UNIQUE(chain, seq) index is what makes a stale writer's whole batch fail.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    chain: text("chain").notNull(),
    seq: integer("seq").notNull(),
    modelName: text("model_name"),
    action: text("action").notNull(),
    actor: text("actor").notNull(),
    target: text("target").notNull(),
    before: text("before", { mode: "json" }).$type<unknown>(),
    after: text("after", { mode: "json" }).$type<unknown>(),
    reason: text("reason"),
    requestId: text("request_id").notNull(),
    createdAt: integer("created_at").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    uniqueIndex("audit_chain_seq_unique").on(t.chain, t.seq),
    index("audit_model_idx").on(t.modelName, t.id),
    index("audit_created_idx").on(t.createdAt),
  ],
);

/** Transactional outbox: written in the same batch as the change it announces. */
export const outboxEvents = sqliteTable(
  "outbox_events",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id").notNull(),
    modelName: text("model_name").notNull(),
    sequence: integer("sequence").notNull(),
    type: text("type").notNull(),
    envelope: text("envelope", { mode: "json" }).$type<Json>().notNull(),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [
    uniqueIndex("outbox_model_sequence_unique").on(t.modelId, t.sequence),
    index("outbox_unsent_idx").on(t.sentAt, t.createdAt),
  ],
);

export const tokens = sqliteTable(
  "tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    role: text("role", { enum: ["viewer", "contributor", "approver", "admin", "serving"] }).notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[] | null>(),
    /** SHA-256 of the secret; the secret itself is shown once and never stored. */
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
    /** The principal this token belongs to (issue 15, migrations/0011). */
    principalId: text("principal_id"),
  },
  (t) => [uniqueIndex("tokens_hash_unique").on(t.tokenHash)],
);

/** Remembered results of POSTs sent with an Idempotency-Key, so a retry gets the original answer. */
export const idempotencyKeys = sqliteTable("idempotency_keys", {
  key: text("key").primaryKey(),
  requestHash: text("request_hash").notNull(),
  status: integer("status").notNull(),
  response: text("response", { mode: "json" }).$type<unknown>().notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * Multipart uploads in flight (issue #3). Bytes are staged in an R2 multipart upload at
 * `uploads/<id>` (`r2UploadId`); completion verifies the SHA-256 and publishes `blobs/sha256/<hex>`.
 * States: open → completing → completed | failed; open → aborted.
 */
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    digest: text("digest").notNull(),
    size: integer("size").notNull(),
    partSize: integer("part_size").notNull(),
    partCount: integer("part_count").notNull(),
    r2UploadId: text("r2_upload_id").notNull(),
    state: text("state", { enum: ["open", "completing", "completed", "failed", "aborted"] })
      .notNull()
      .default("open"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("uploads_state_idx").on(t.state, t.updatedAt)],
);

/** Parts received for an upload: R2's etag for each, which completion hands back to R2. */
export const uploadParts = sqliteTable(
  "upload_parts",
  {
    uploadId: text("upload_id").notNull(),
    partNumber: integer("part_number").notNull(),
    etag: text("etag").notNull(),
    size: integer("size").notNull(),
    uploadedAt: integer("uploaded_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.partNumber] })],
);

/**
 * Webhook subscriptions (issue #5). `secret` is the signing secret encrypted at rest (AES-GCM,
 * src/events/secret-box.ts): it must be recoverable because HMAC signing needs the key itself.
 */
export const webhookSubscriptions = sqliteTable(
  "webhook_subscriptions",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    /** Event types, or ["*"] for all. */
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    /** Model-name glob (`fraud-*`); null matches every model. */
    modelPattern: text("model_pattern"),
    secret: text("secret").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    description: text("description").notNull().default(""),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_subscriptions_created_idx").on(t.createdAt)],
);

/**
 * One row per (event, subscription): the id is derived from both, so a redelivered queue message
 * finds the same row instead of creating a second delivery.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    eventType: text("event_type").notNull(),
    modelName: text("model_name").notNull(),
    sequence: integer("sequence").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed", "dead"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    latencyMs: integer("latency_ms"),
    nextRetryAt: integer("next_retry_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_subscription_unique").on(t.eventId, t.subscriptionId),
    index("webhook_deliveries_subscription_idx").on(t.subscriptionId, t.createdAt),
  ],
);

// ---- governance (issue #4, migrations/0003) ----

/** A model's release policy; a model without a row gets DEFAULT_POLICY (src/domain/policy.ts). */
export const policies = sqliteTable("policies", {
  modelId: text("model_id").primaryKey(),
  gates: text("gates", { mode: "json" }).$type<MetricGate[]>().notNull(),
  require: text("require", { mode: "json" }).$type<string[]>().notNull(),
  requiredApprovals: integer("required_approvals").notNull().default(1),
  protectedAliases: text("protected_aliases", { mode: "json" }).$type<string[]>().notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
  // issue #19 (0012): compatibility gate, registration gates, dataset catalogue requirement
  signatureCompatibility: text("signature_compatibility", { enum: SIGNATURE_COMPATIBILITY })
    .notNull()
    .default("any"),
  registrationGates: text("registration_gates", { mode: "json" }).$type<RegistrationGates>(),
  requireRegisteredDatasets: integer("require_registered_datasets", { mode: "boolean" })
    .notNull()
    .default(false),
});

/** A request to move a version to Production; decided by approvers other than the requester. */
export const approvalRequests = sqliteTable(
  "approval_requests",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id").notNull(),
    version: integer("version").notNull(),
    toStage: text("to_stage", { enum: ["Production"] }).notNull(),
    requestedBy: text("requested_by").notNull(),
    /** Token id of the requester: separation of duties compares identities, not display names. */
    requesterId: text("requester_id").notNull(),
    comment: text("comment").notNull().default(""),
    status: text("status", { enum: ["pending", "approved", "rejected", "cancelled"] })
      .notNull()
      .default("pending"),
    /** The policy's number at the time of the request, so a later policy edit cannot move the goal. */
    requiredApprovals: integer("required_approvals").notNull(),
    createdAt: integer("created_at").notNull(),
    decidedAt: integer("decided_at"),
    /** The signature compatibility report when the request was opened (issue #19). */
    compatibility: text("compatibility", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index("approval_requests_status_idx").on(t.status, t.createdAt),
    index("approval_requests_requester_idx").on(t.requesterId, t.createdAt),
    index("approval_requests_version_idx").on(t.modelId, t.version),
    uniqueIndex("approval_requests_one_pending").on(t.modelId, t.version).where(sql`status = 'pending'`),
  ],
);

/** One vote per approver per request. */
export const approvals = sqliteTable(
  "approvals",
  {
    requestId: text("request_id").notNull(),
    approverId: text("approver_id").notNull(),
    approver: text("approver").notNull(),
    decision: text("decision", { enum: ["approve", "reject"] }).notNull(),
    comment: text("comment").notNull().default(""),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.approverId] })],
);

// ---- discovery (migrations/0005_discovery.sql) ----
// Index tables for search and lineage, written by the ModelLedger in the same batch as the version.
// The same migration also adds version_tags(key, value), model_versions(run_id) and
// model_versions(stage, created_at) indexes.

/** One row per metric of a version; `slice` is '' for the overall value, else e.g. `segment=high_value`. */
export const versionMetrics = sqliteTable(
  "version_metrics",
  {
    versionId: text("version_id").notNull(),
    modelId: text("model_id").notNull(),
    slice: text("slice").notNull().default(""),
    name: text("name").notNull(),
    value: real("value").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.slice, t.name] }),
    index("version_metrics_name_value_idx").on(t.name, t.slice, t.value),
  ],
);

export const versionParams = sqliteTable(
  "version_params",
  {
    versionId: text("version_id").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.key] }),
    index("version_params_key_value_idx").on(t.key, t.value),
  ],
);

/** The datasets a version was trained/evaluated on, in registration order (`position`). */
export const versionDatasets = sqliteTable(
  "version_datasets",
  {
    versionId: text("version_id").notNull(),
    modelId: text("model_id").notNull(),
    position: integer("position").notNull(),
    uri: text("uri").notNull(),
    version: text("version"),
    digest: text("digest"),
    role: text("role"),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.position] }),
    index("version_datasets_digest_idx").on(t.digest),
    index("version_datasets_uri_idx").on(t.uri, t.version),
  ],
);

/**
 * What each serving node last reported it runs, per (model, node). Heartbeat columns are upserted
 * by the report route; `drift*` columns only by the ModelLedger (see src/ledger/deployment-ops.ts).
 */
export const deployments = sqliteTable(
  "deployments",
  {
    modelId: text("model_id").notNull(),
    nodeId: text("node_id").notNull(),
    environment: text("environment").notNull(),
    /** The alias the node follows (reported, or its environment's name): what it should run. */
    alias: text("alias").notNull(),
    version: integer("version").notNull(),
    manifestDigest: text("manifest_digest").notNull(),
    status: text("status", { enum: ["loaded", "loading", "failed"] }).notNull(),
    loadedAt: integer("loaded_at").notNull(),
    reportedAt: integer("reported_at").notNull(),
    reportedBy: text("reported_by").notNull(),
    /** First report of the current manifest digest; the one before is kept as `previous_*`. */
    runningSince: integer("running_since").notNull(),
    previousVersion: integer("previous_version"),
    previousManifestDigest: text("previous_manifest_digest"),
    /** The open drift episode's reason (null = in sync at the last report) and when it began. */
    drift: text("drift"),
    driftSince: integer("drift_since"),
    driftEpisodes: integer("drift_episodes").notNull().default(0),
    /** Health the node reported with its latest report (issue 18, 0013): metric name → number. */
    metrics: text("metrics", { mode: "json" }).$type<Record<string, number>>(),
    // issue #19 (0019): the open `stale` episode of a silent node (null = none), ModelLedger only.
    staleSince: integer("stale_since"),
  },
  (t) => [
    primaryKey({ columns: [t.modelId, t.nodeId] }),
    index("deployments_reported_idx").on(t.modelId, t.reportedAt),
    index("deployments_silent_idx").on(t.reportedAt).where(sql`stale_since IS NULL`), // issue #19
  ],
);

// ---- retention (issue #6, migrations/0008_retention.sql) ----

/** A model's retention policy; a model without a row gets DEFAULT_RETENTION (src/domain/retention.ts). */
export const retentionPolicies = sqliteTable("retention_policies", {
  modelId: text("model_id").primaryKey(),
  keepLast: integer("keep_last").notNull(),
  archiveAfterDays: integer("archive_after_days"),
  purgeAfterDays: integer("purge_after_days"),
  keepTags: text("keep_tags", { mode: "json" }).$type<string[]>().notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/** One row per retention run (cron or admin, dry or real): counts, bytes and the actions with reasons. */
export const retentionRuns = sqliteTable(
  "retention_runs",
  {
    id: text("id").primaryKey(),
    trigger: text("trigger", { enum: ["cron", "admin"] }).notNull(),
    actor: text("actor").notNull(),
    dryRun: integer("dry_run", { mode: "boolean" }).notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at").notNull(),
    modelsScanned: integer("models_scanned").notNull(),
    archived: integer("archived").notNull(),
    purged: integer("purged").notNull(),
    blobsDeleted: integer("blobs_deleted").notNull(),
    uploadsAborted: integer("uploads_aborted").notNull(),
    failures: integer("failures").notNull(),
    bytesBefore: integer("bytes_before").notNull(),
    bytesFreed: integer("bytes_freed").notNull(),
    bytesAfter: integer("bytes_after").notNull(),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index("retention_runs_started_idx").on(t.startedAt)],
);

/** The GC clock of a blob no remaining version references (see src/domain/blob-gc-plan.ts). */
export const unreferencedBlobs = sqliteTable("unreferenced_blobs", {
  hex: text("hex").primaryKey(),
  size: integer("size").notNull(),
  since: integer("since").notNull(),
});

// --- issue 15: principals (a person or a service account; tokens belong to one) ---

export const principals = sqliteTable(
  "principals",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["person", "service"] }).notNull(),
    /** Model-name globs every token of this principal stays within; null = every model. */
    scopes: text("scopes", { mode: "json" }).$type<string[] | null>(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("principals_name_idx").on(t.name)],
);

// --- issue 19: dataset catalogue (migrations/0012_governance_complete.sql) ---

/** A registered dataset version; lineage edges point here when a version's dataset matches one. */
export const datasets = sqliteTable(
  "datasets",
  {
    id: text("id").primaryKey(),
    uri: text("uri").notNull(),
    /** '' when the dataset has no version of its own (the uri names one snapshot). */
    version: text("version").notNull().default(""),
    digest: text("digest"),
    description: text("description").notNull().default(""),
    schema: text("schema", { mode: "json" }).$type<Json>(),
    owner: text("owner").notNull(),
    tags: text("tags", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("datasets_uri_version_unique").on(t.uri, t.version),
    index("datasets_digest_idx").on(t.digest),
  ],
);

// --- issue 18: progressive rollouts (migrations/0013_rollouts.sql) ---

/** An alias moving gradually to a canary version; ModelLedger only. At most one active per alias. */
export const rollouts = sqliteTable(
  "rollouts",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id").notNull(),
    alias: text("alias").notNull(),
    /** The version the alias points at (and keeps pointing at until the rollout completes). */
    fromVersion: integer("from_version").notNull(),
    /** The canary version. */
    version: integer("version").notNull(),
    /** Percent of nodes on the canary: buckets below weight x 100 of [0, 10000). */
    weight: integer("weight").notNull(),
    steps: text("steps", { mode: "json" }).$type<number[]>().notNull(),
    stepIntervalS: integer("step_interval_s").notNull(),
    guards: text("guards", { mode: "json" }).$type<Guard[]>().notNull(),
    status: text("status", { enum: ["active", "completed", "rolled_back", "aborted"] })
      .$type<RolloutStatus>()
      .notNull(),
    /** When the current weight took effect: the cron advances once guards held for step_interval_s. */
    stepStartedAt: integer("step_started_at").notNull(),
    breach: text("breach", { mode: "json" }).$type<GuardBreach>(),
    history: text("history", { mode: "json" }).$type<RolloutHistoryEntry[]>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    endedAt: integer("ended_at"),
  },
  (t) => [
    uniqueIndex("rollouts_active_alias_unique").on(t.modelId, t.alias).where(sql`${t.status} = 'active'`),
    index("rollouts_model_created_idx").on(t.modelId, t.createdAt),
    index("rollouts_status_idx").on(t.status, t.stepStartedAt),
  ],
);
// --- issue 14: web console sessions and one-time sign-in links ---

/** A browser session: only the SHA-256 of the cookie secret is stored (see migrations/0010). */
export const consoleSessions = sqliteTable(
  "console_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    /** The token the session acts as (`tok_…` or `bootstrap-admin`). */
    tokenId: text("token_id").notNull(),
    /** SHA-256 of that token's secret: re-resolved on every request, so revocation ends the session. */
    tokenHash: text("token_hash").notNull(),
    actorName: text("actor_name").notNull(),
    /** Per-session secret every console form carries (synchroniser token). */
    csrfToken: text("csrf_token").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    index("console_sessions_token_idx").on(t.tokenId),
    index("console_sessions_expires_idx").on(t.expiresAt),
  ],
);

/** A one-time sign-in link: the code's SHA-256 and the token the session will act as. */
export const consoleSignInLinks = sqliteTable("console_sign_in_links", {
  codeHash: text("code_hash").primaryKey(),
  tokenId: text("token_id").notNull(),
  tokenHash: text("token_hash").notNull(),
  actorName: text("actor_name").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

// --- issue 16: chunked files (a whole-file digest → ordered chunk blobs) ---

/** A file stored in chunks: `status` says whether the server has hashed the assembled bytes. */
export const chunkedFiles = sqliteTable(
  "chunked_files",
  {
    hex: text("hex").primaryKey(),
    size: integer("size").notNull(),
    chunkCount: integer("chunk_count").notNull(),
    layout: text("layout").notNull(),
    status: text("status", { enum: ["pending", "verified", "failed"] }).notNull(),
    detail: text("detail"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    verifiedAt: integer("verified_at"),
  },
  (t) => [index("chunked_files_status_idx").on(t.status, t.createdAt)],
);

/** The ordered chunks of a chunked file; each `chunk_hex` is an ordinary verified blob. */
export const fileChunks = sqliteTable(
  "file_chunks",
  {
    fileHex: text("file_hex")
      .notNull()
      .references(() => chunkedFiles.hex, { onDelete: "cascade" }),
    idx: integer("idx").notNull(),
    chunkHex: text("chunk_hex").notNull(),
    offset: integer("offset").notNull(),
    size: integer("size").notNull(),
  },
  (t) => [primaryKey({ columns: [t.fileHex, t.idx] }), index("file_chunks_chunk_idx").on(t.chunkHex)],
);

// --- issue 16: second copies (BLOBS_REPLICA) and the scrub (migrations/0018) ---

/** An object (chunk or single blob) the replica bucket holds a copy of, verified by R2 on write. */
export const replicaObjects = sqliteTable("replica_objects", {
  hex: text("hex").primaryKey(),
  size: integer("size").notNull(),
  copiedAt: integer("copied_at").notNull(),
  checkedAt: integer("checked_at"),
});

/** Where the scrub's rotating sample resumes: the last object hex it checked (one row, id 1). */
export const scrubCursor = sqliteTable("scrub_cursor", {
  id: integer("id").primaryKey(),
  afterHex: text("after_hex").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

// --- issue 13 (search): migrations/0022 adds covering indexes only, no column: version_tags
// (version_id, key, value), version_params (version_id, key, value), version_metrics (version_id,
// slice, name, value), named by the filter's EXISTS probes (repos/filter-sql.ts), and
// model_versions (model_id, version, id).
