/**
 * A model's stored record, row for row, as `GET /admin/export/models/{name}` answers it and
 * `POST /admin/restore` takes it back (issue 17: export and restore). Checked here so a damaged
 * archive is a 400 naming the field, never a storage error.
 */
import { z } from "@hono/zod-openapi";
import { LIMITS } from "../domain/limits";
import { SIGNATURE_COMPATIBILITY } from "../domain/policy";
import { DescriptionSchema, ModelNameSchema, TagsSchema } from "./common";
import { GateSchema, RegistrationGatesSchema } from "./governance";
import {
  DatasetSchema,
  FileEntrySchema,
  MetricsSchema,
  ParamsSchema,
  ProvenanceSchema,
  SlicesSchema,
} from "./versions";

const Id = z.string().min(1).max(64);
const Ms = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Num = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31);
const Who = z.string().max(256);
const Hash = z.string().regex(/^[0-9a-f]{64}$/);
const Json = z.record(z.string(), z.unknown());

const VersionRowSchema = z.strictObject({
  id: Id,
  modelId: Id,
  version: Num,
  description: DescriptionSchema,
  stage: z.enum(["None", "Staging", "Production", "Archived"]),
  status: z.string().max(64),
  createdBy: Who,
  createdAt: Ms,
  updatedAt: Ms,
  needsReview: z.boolean(),
  runId: z.string().max(256).nullable(),
  sourceUri: z.string().max(2048).nullable(),
  params: ParamsSchema,
  metrics: MetricsSchema,
  slices: SlicesSchema,
  datasets: z.array(DatasetSchema).max(LIMITS.datasets),
  provenance: ProvenanceSchema,
  parentModel: z.string().max(128).nullable(),
  parentVersion: Num.nullable(),
  signature: Json.nullable(),
  modelCard: Json.nullable(),
  inputExample: z.unknown(),
  files: z.array(FileEntrySchema).max(LIMITS.files),
  manifestDigest: z.string().max(80),
  totalSize: z.number().int().min(0),
  tags: TagsSchema,
});

// Issue 17 (export completeness): approval requests with their votes, and the serving nodes'
// reports. Optional, so archives written before them still restore.
const ApprovalRequestRowSchema = z.strictObject({
  id: Id,
  modelId: Id,
  version: Num,
  toStage: z.enum(["Production"]),
  requestedBy: Who,
  requesterId: Who,
  comment: z.string().max(LIMITS.descriptionChars),
  status: z.enum(["pending", "approved", "rejected", "cancelled"]),
  requiredApprovals: z.number().int().min(0).max(100),
  createdAt: Ms,
  decidedAt: Ms.nullable(),
  compatibility: Json.nullable(),
  approvals: z
    .array(
      z.strictObject({
        requestId: Id,
        approverId: Who,
        approver: Who,
        decision: z.enum(["approve", "reject"]),
        comment: z.string().max(LIMITS.descriptionChars),
        createdAt: Ms,
      }),
    )
    .max(1000),
});

const DeploymentRowSchema = z.strictObject({
  modelId: Id,
  nodeId: z.string().min(1).max(256),
  environment: z.string().max(256),
  alias: z.string().max(256),
  version: Num,
  manifestDigest: z.string().max(80),
  status: z.enum(["loaded", "loading", "failed"]),
  loadedAt: Ms,
  reportedAt: Ms,
  reportedBy: Who,
  runningSince: Ms,
  previousVersion: Num.nullable(),
  previousManifestDigest: z.string().max(80).nullable(),
  drift: z.string().max(64).nullable(),
  driftSince: Ms.nullable(),
  driftEpisodes: z.number().int().min(0),
  metrics: z.record(z.string(), z.number()).nullable(),
  // Issue 19: an open silent-node episode; archives from before it carry none.
  staleSince: Ms.nullable().default(null),
});

export const ModelSnapshotSchema = z
  .strictObject({
    format: z.literal(1),
    model: z.strictObject({
      id: Id,
      name: ModelNameSchema,
      description: DescriptionSchema,
      owner: Who,
      lastVersion: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31),
      previousProductionVersion: Num.nullable(),
      createdAt: Ms,
      updatedAt: Ms,
    }),
    model_tags: TagsSchema,
    versions: z.array(VersionRowSchema).max(100_000),
    aliases: z.array(
      z.strictObject({
        modelId: Id,
        alias: z.string().min(1).max(256),
        version: Num,
        updatedAt: Ms,
        updatedBy: Who,
      }),
    ),
    policy: z
      .strictObject({
        modelId: Id,
        gates: z.array(GateSchema).max(100),
        require: z.array(z.string().max(256)).max(100),
        requiredApprovals: z.number().int().min(0).max(100),
        protectedAliases: z.array(z.string().max(256)).max(100),
        updatedAt: Ms,
        updatedBy: Who,
        signatureCompatibility: z.enum(SIGNATURE_COMPATIBILITY),
        registrationGates: RegistrationGatesSchema.nullable(),
        requireRegisteredDatasets: z.boolean(),
      })
      .nullable(),
    retention: z
      .strictObject({
        modelId: Id,
        keepLast: z.number().int().min(0),
        archiveAfterDays: z.number().int().min(0).nullable(),
        purgeAfterDays: z.number().int().min(0).nullable(),
        keepTags: z.array(z.string().max(256)).max(100),
        updatedAt: Ms,
        updatedBy: Who,
      })
      .nullable(),
    audit: z.array(
      z.strictObject({
        chain: Id,
        seq: Num,
        modelName: z.string().max(256).nullable(),
        action: z.string().max(128),
        actor: Who,
        target: z.string().max(2048),
        before: z.unknown(),
        after: z.unknown(),
        reason: z.string().max(LIMITS.descriptionChars).nullable(),
        requestId: z.string().max(256),
        createdAt: Ms,
        prevHash: Hash,
        hash: Hash,
      }),
    ),
    approval_requests: z.array(ApprovalRequestRowSchema).max(100_000).optional(),
    deployments: z.array(DeploymentRowSchema).max(100_000).optional(),
  })
  .openapi("ModelSnapshot");

export type ModelSnapshotInput = z.infer<typeof ModelSnapshotSchema>;

/**
 * Issue 17: the dataset catalogue as `registry export` reads it (`GET /datasets`, all pages) and
 * `POST /admin/restore/datasets` takes it back: ids, owners, creators and times kept.
 */
export const DatasetsRestoreSchema = z
  .strictObject({
    datasets: z
      .array(
        z.strictObject({
          id: z.string().regex(/^dst_[A-Za-z0-9_-]{1,60}$/),
          uri: z.string().min(1).max(2048),
          version: z.string().min(1).max(256).nullable(),
          digest: z.string().max(80).nullable(),
          description: DescriptionSchema,
          schema: Json.nullable(),
          owner: Who,
          tags: TagsSchema,
          created_by: Who,
          created_at: z.iso.datetime(),
        }),
      )
      .max(100_000),
  })
  .openapi("DatasetsRestore");

export const DatasetsRestoredSchema = z
  .object({
    restored: z.number().int().openapi({ description: "Entries written" }),
    already_present: z.number().int().openapi({ description: "Entries with the same id already here" }),
  })
  .openapi("DatasetsRestored");
