/**
 * ModelLedger: the one writer of a registered model (one Durable Object per model name).
 *
 * Each public method is one kind of change: it names the `decide*` function (src/ledger/*-ops.ts)
 * that reads the model and decides, and hands it to the ChangeWriter (change-writer.ts), which runs
 * changes one at a time and writes each as ONE atomic D1 batch with its audit entry and event.
 * D1 is the record; a cold or stale instance simply reads it again.
 *
 * Public methods are the RPC surface; helpers are #private.
 */
import { DurableObject } from "cloudflare:workers";
import { createDb, type Db } from "../db/client";
import { type ApprovalRequestRow, findRequest } from "../db/repos/approvals-repo";
import type { DatasetRow } from "../db/repos/datasets-repo";
import { findModelRow, type ModelRow } from "../db/repos/models-repo";
import { readPolicy } from "../db/repos/policies-repo";
import type { PrincipalRow } from "../db/repos/principals-repo";
import { findRollout, type RolloutRow } from "../db/repos/rollouts-repo";
import type { ModelSnapshot } from "../db/repos/snapshot-repo";
import { findVersionViewRow, type VersionRow } from "../db/repos/versions-repo";
import type { WebhookPatch, WebhookRow } from "../db/repos/webhooks-repo";
import type { Stage } from "../domain/lifecycle";
import type { Policy } from "../domain/policy";
import type { RetentionPolicy } from "../domain/retention";
import type { DatasetView } from "../schemas/datasets";
import type { ApprovalRequestView, PolicyView, RollbackResult } from "../schemas/governance";
import type { CreateModelInput, ModelView } from "../schemas/models";
import type { PrincipalView } from "../schemas/principals";
import type { RetentionPolicyView } from "../schemas/retention";
import type { CreateRolloutInput, RolloutView } from "../schemas/rollouts";
import type { DeploymentReport, DeploymentView } from "../schemas/serving";
import type { TokenView } from "../schemas/tokens";
import type { CreateVersionInput, ImportVersionInput, VersionView } from "../schemas/versions";
import type { DeliveryView, WebhookView } from "../schemas/webhooks";
import {
  type AliasAnswer,
  answerWithView,
  decideDeleteAlias,
  decideSetAlias,
  type SetAliasInput,
} from "./alias-ops";
import { decideCancelRequest, decideRequestApproval, decideVote } from "./approval-ops";
import { ChangeWriter, type Decide } from "./change-writer";
import { decideRegisterDataset } from "./dataset-ops";
import { decideReportDeployment, reportRow } from "./deployment-ops";
import { decideMarkStale, decideResolveStale, type StaleOutcome } from "./deployment-stale-ops";
import { decideRollback, decideSignOff, decideTransition } from "./governance-ops";
import { decideImportVersion, type ImportResult } from "./import-ops";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";
import { decideDeleteVersion, decideRenameModel } from "./mlflow-ops";
import {
  decideCreateModel,
  decideDeleteModel,
  decideDeleteModelTag,
  decideSetModelTag,
  decideUpdateModel,
} from "./model-ops";
import { decideSetPolicy } from "./policy-ops";
import { decideRestoreModel } from "./restore-ops";
import {
  decidePurgeArtifacts,
  decideRetentionArchive,
  decideSetRetention,
  type RetentionActionResult,
} from "./retention-ops";
import { decideGuardCheck, decideScheduledStep } from "./rollout-guard-ops";
import {
  decideAbortRollout,
  decideAdvanceRollout,
  decidePromoteRollout,
  decideStartRollout,
} from "./rollout-ops";
import { decideStorageRepair, type StorageRepair } from "./storage-ops";
import { decideCreatePrincipal, decideCreateToken, decideRevokeToken, type TokenDraft } from "./token-ops";
import { decideSettleVerification } from "./verification-ops";
import {
  decideCreateVersion,
  decideDeleteVersionTag,
  decideSetVersionTag,
  decideUpdateVersion,
} from "./version-ops";
import {
  decideCreateWebhook,
  decideDeleteWebhook,
  decideRedeliver,
  decideUpdateWebhook,
} from "./webhook-ops";

export class ModelLedger extends DurableObject<Env> {
  readonly #db: Db;
  readonly #writer: ChangeWriter;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = createDb(env.DB);
    this.#writer = new ChangeWriter(this.#db, env.EVENTS, (promise) => ctx.waitUntil(promise));
  }

  createModel(input: CreateModelInput, ctx: ChangeContext): Promise<LedgerResult<ModelView>> {
    return this.#change(ctx, async (now) =>
      decideCreateModel(this.#db, await findModelRow(this.#db, input.name), input, ctx, now),
    );
  }

  updateModel(name: string, description: string, ctx: ChangeContext): Promise<LedgerResult<ModelView>> {
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) => decideUpdateModel(this.#db, m, description, now)),
    );
  }

  deleteModel(name: string, ctx: ChangeContext): Promise<LedgerResult<null>> {
    return this.#change(ctx, () => this.#withModel(name, (m) => decideDeleteModel(this.#db, m)));
  }

  setModelTag(
    name: string,
    key: string,
    value: string,
    ctx: ChangeContext,
  ): Promise<LedgerResult<ModelView>> {
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) => decideSetModelTag(this.#db, m, key, value, now)),
    );
  }

  deleteModelTag(name: string, key: string, ctx: ChangeContext): Promise<LedgerResult<ModelView>> {
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) => decideDeleteModelTag(this.#db, m, key, now)),
    );
  }

  createVersion(
    name: string,
    input: CreateVersionInput,
    ctx: ChangeContext,
  ): Promise<LedgerResult<VersionView>> {
    // Registrations are group-committed (see ChangeWriter), except one whose parent or copy source
    // may be a version of this same model still waiting in the same group, not yet in D1.
    return this.#change(
      ctx,
      (now) =>
        this.#withModel(name, (m) =>
          decideCreateVersion(this.#db, this.#writer.headModel(m), input, ctx, now, this.#policyOf),
        ),
      { group: input.parent?.model !== name && !input.copy_from },
    );
  }

  /** Writes back a model exported by `registry export`, audit chain included (admin, empty name). */
  restoreModel(snapshot: ModelSnapshot, ctx: ChangeContext): Promise<LedgerResult<ModelView>> {
    return this.#change(ctx, () => decideRestoreModel(this.#db, snapshot));
  }

  /** Registers a version under the number it had in the registry it is imported from (admin). */
  importVersion(
    name: string,
    version: number,
    input: ImportVersionInput,
    ctx: ChangeContext,
  ): Promise<LedgerResult<ImportResult>> {
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) => decideImportVersion(this.#db, m, version, input, ctx, now)),
    );
  }

  updateVersion(
    name: string,
    version: number,
    description: string,
    ctx: ChangeContext,
  ): Promise<LedgerResult<VersionView>> {
    return this.#change(ctx, (now) =>
      this.#withVersion(name, version, (m, v) => decideUpdateVersion(this.#db, m, v, description, now)),
    );
  }

  setVersionTag(
    name: string,
    version: number,
    key: string,
    value: string,
    ctx: ChangeContext,
  ): Promise<LedgerResult<VersionView>> {
    return this.#change(ctx, (now) =>
      this.#withVersion(name, version, (m, v) => decideSetVersionTag(this.#db, m, v, key, value, now)),
    );
  }

  deleteVersionTag(
    name: string,
    version: number,
    key: string,
    ctx: ChangeContext,
  ): Promise<LedgerResult<VersionView>> {
    return this.#change(ctx, (now) =>
      this.#withVersion(name, version, (m, v) => decideDeleteVersionTag(this.#db, m, v, key, now)),
    );
  }

  /** Alias moves are group-committed (issue 13): moves waiting together land in one batch. */
  setAlias(name: string, input: SetAliasInput, ctx: ChangeContext): Promise<LedgerResult<VersionView>> {
    return this.#moveAlias(name, input, ctx, (m) => answerWithView(this.#db, m, input.version));
  }

  /** A move that answers nothing (MLflow's set alias answers `{}`), so nothing is read to answer. */
  setAliasQuietly(name: string, input: SetAliasInput, ctx: ChangeContext): Promise<LedgerResult<null>> {
    return this.#moveAlias(name, input, ctx, () => async () => null);
  }

  deleteAlias(
    name: string,
    alias: string,
    ifMatch: string | undefined,
    ctx: ChangeContext,
  ): Promise<LedgerResult<null>> {
    return this.#change(
      ctx,
      (now) => this.#withModel(name, (m) => decideDeleteAlias(this.#db, m, alias, ifMatch, now, ctx)),
      { group: true },
    );
  }

  /** Token changes run on the system ledger instance (see ledger-client). */
  createToken(draft: TokenDraft, ctx: ChangeContext): Promise<LedgerResult<TokenView>> {
    return this.#change(ctx, () => decideCreateToken(this.#db, draft, ctx));
  }

  /** Principals (issue 15), on the system ledger like tokens. */
  createPrincipal(row: PrincipalRow, ctx: ChangeContext): Promise<LedgerResult<PrincipalView>> {
    return this.#change(ctx, () => decideCreatePrincipal(this.#db, row, ctx));
  }

  revokeToken(id: string, ctx: ChangeContext): Promise<LedgerResult<TokenView>> {
    return this.#change(ctx, (now) => decideRevokeToken(this.#db, id, now, ctx));
  }

  /** Registers a dataset version in the catalogue (issue #19); runs on the system ledger instance. */
  registerDataset(row: DatasetRow, ctx: ChangeContext): Promise<LedgerResult<DatasetView>> {
    return this.#change(ctx, () => decideRegisterDataset(this.#db, row));
  }

  // ---- webhooks (issue #5): subscriptions and redeliveries, on the system ledger ----

  createWebhook(row: WebhookRow, ctx: ChangeContext): Promise<LedgerResult<WebhookView>> {
    return this.#change(ctx, () => decideCreateWebhook(this.#db, row, ctx));
  }

  updateWebhook(id: string, patch: WebhookPatch, ctx: ChangeContext): Promise<LedgerResult<WebhookView>> {
    return this.#change(ctx, (now) => decideUpdateWebhook(this.#db, id, patch, now, ctx));
  }

  deleteWebhook(id: string, ctx: ChangeContext): Promise<LedgerResult<null>> {
    return this.#change(ctx, () => decideDeleteWebhook(this.#db, id, ctx));
  }

  redeliverWebhook(deliveryId: string, ctx: ChangeContext): Promise<LedgerResult<DeliveryView>> {
    return this.#change(ctx, (now) => decideRedeliver(this.#db, deliveryId, now, ctx));
  }

  // ---- governance (issue #4): stages, approvals, rollback, policy ----

  /** Moves a version along the stage machine; `fastTrack` is the admin's emergency promotion. */
  transition(
    name: string,
    version: number,
    input: { to: Stage; comment: string; fastTrack: boolean; archiveOthers?: boolean },
    ctx: ChangeContext,
  ): Promise<LedgerResult<VersionView>> {
    const kind = input.fastTrack ? "fast_track" : "transition";
    const decided = {
      to: input.to,
      comment: input.comment,
      kind,
      archiveOthers: input.archiveOthers,
    } as const;
    // Group-committed (issue 13), except archive_existing_versions: it reads a whole stage, which
    // a change before it in the same group could still be filling.
    return this.#change(
      ctx,
      (now) =>
        this.#withVersion(name, version, (m, v) =>
          decideTransition(this.#db, m, v, decided, ctx, now, this.#policyOf),
        ),
      { group: input.archiveOthers !== true },
    );
  }

  /** Restores the previous (or the given archived) version to Production, archiving the current. */
  rollback(
    name: string,
    toVersion: number | undefined,
    ctx: ChangeContext,
  ): Promise<LedgerResult<RollbackResult>> {
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) => decideRollback(this.#db, m, toVersion, ctx, now)),
    );
  }

  /** Clears `needs_review` after a fast-track (an approver other than the fast-tracker). */
  signOffReview(name: string, version: number, ctx: ChangeContext): Promise<LedgerResult<VersionView>> {
    return this.#change(ctx, (now) =>
      this.#withVersion(name, version, (m, v) => decideSignOff(this.#db, m, v, ctx, now)),
    );
  }

  setPolicy(name: string, policy: Policy, ctx: ChangeContext): Promise<LedgerResult<PolicyView>> {
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) => decideSetPolicy(this.#db, m, policy, ctx, now)),
    );
  }

  requestApproval(
    name: string,
    version: number,
    comment: string,
    ctx: ChangeContext,
  ): Promise<LedgerResult<ApprovalRequestView>> {
    return this.#change(ctx, (now) =>
      this.#withVersion(name, version, (m, v) => decideRequestApproval(this.#db, m, v, comment, ctx, now)),
    );
  }

  /**
   * Records an approval. When it is the last one needed, the version is promoted right after, in
   * its own batch; should that fail (the version left Staging meanwhile), the request stays
   * approved and a plain transition to Production completes it.
   */
  async approve(
    name: string,
    id: string,
    comment: string,
    ctx: ChangeContext,
  ): Promise<LedgerResult<ApprovalRequestView>> {
    const voted = await this.#change(ctx, (now) =>
      this.#withRequest(name, id, (m, r) => decideVote(this.#db, m, r, "approve", comment, ctx, now)),
    );
    if (!voted.ok || voted.value.status !== "approved") return voted;
    const promoted = await this.#change(ctx, (now) =>
      this.#withVersion(name, voted.value.version, (m, v) =>
        decideTransition(
          this.#db,
          m,
          v,
          { to: "Production", comment, kind: "approval", approvalRequestId: id },
          ctx,
          now,
        ),
      ),
    );
    if (!promoted.ok) console.warn(`approval ${id} granted but promotion refused: ${promoted.detail}`);
    return voted;
  }

  /** The requester withdraws their pending request (`approval.cancelled`). */
  cancelApprovalRequest(
    name: string,
    id: string,
    comment: string,
    ctx: ChangeContext,
  ): Promise<LedgerResult<ApprovalRequestView>> {
    return this.#change(ctx, (now) =>
      this.#withRequest(name, id, (m, r) => decideCancelRequest(this.#db, m, r, comment, ctx, now)),
    );
  }

  reject(
    name: string,
    id: string,
    comment: string,
    ctx: ChangeContext,
  ): Promise<LedgerResult<ApprovalRequestView>> {
    return this.#change(ctx, (now) =>
      this.#withRequest(name, id, (m, r) => decideVote(this.#db, m, r, "reject", comment, ctx, now)),
    );
  }

  async #withRequest<T>(
    name: string,
    id: string,
    decide: (model: ModelRow, request: ApprovalRequestRow) => Promise<LedgerResult<Change<T>>>,
  ) {
    return this.#withModel(name, async (model) => {
      const row = await findRequest(this.#db, id);
      return row && row.modelId === model.id
        ? decide(model, row)
        : fail("APPROVAL_REQUEST_NOT_FOUND", `approval request '${id}' does not exist`);
    });
  }

  // ---- mlflow (issue #9): the changes only the MLflow registry API has ----

  /** Renames a model (MLflow `registered-models/rename`); call it on the OLD name's instance. */
  renameModel(name: string, newName: string, ctx: ChangeContext): Promise<LedgerResult<{ name: string }>> {
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) => decideRenameModel(this.#db, m, newName, now, ctx)),
    );
  }

  /** Deletes one version (MLflow `model-versions/delete`); its number is never handed out again. */
  deleteVersion(name: string, version: number, ctx: ChangeContext): Promise<LedgerResult<null>> {
    return this.#change(ctx, (now) =>
      this.#withVersion(name, version, (m, v) => decideDeleteVersion(this.#db, m, v, now)),
    );
  }

  // ---- serving (issue #10): deployment reports that open or close a drift episode ----

  /**
   * Records a serving node's report when it may open or close a drift episode (the route writes
   * plain heartbeats itself; see src/ledger/deployment-report.ts). Judged again here on fresh state:
   * an edge writes heartbeat + episode + audit entry + `deployment.drift` event in one batch.
   */
  async reportDeployment(
    name: string,
    report: DeploymentReport,
    ctx: ChangeContext,
  ): Promise<LedgerResult<DeploymentView>> {
    // A node back from silence first closes its stale episode (issue #19): its own audit entry and
    // event, apart from any drift edge the same report makes, which is judged next on fresh state.
    const back = await this.#change(ctx, (now) =>
      this.#withModel(name, (m) =>
        decideResolveStale(this.#db, m, reportRow(m, report, ctx.actor.name, now)),
      ),
    );
    if (!back.ok) return back;
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) =>
        decideReportDeployment(this.#db, m, reportRow(m, report, ctx.actor.name, now), now),
      ),
    );
  }

  /**
   * Opens a silent node's `stale` episode if it is still silent at `asOf` and none is open (issue
   * #19). Called by the cron (src/jobs/silent-nodes.ts), never by a route.
   */
  markNodeStale(
    name: string,
    nodeId: string,
    asOf: number,
    staleAfterSeconds: number,
    ctx: ChangeContext,
  ): Promise<LedgerResult<StaleOutcome>> {
    return this.#change(ctx, () =>
      this.#withModel(name, (m) => decideMarkStale(this.#db, m, nodeId, asOf, staleAfterSeconds)),
    );
  }

  // ---- retention (issue #6): policy, and the archive/purge actions of a retention run ----

  setRetentionPolicy(
    name: string,
    policy: RetentionPolicy,
    ctx: ChangeContext,
  ): Promise<LedgerResult<RetentionPolicyView>> {
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) => decideSetRetention(this.#db, m, policy, ctx, now)),
    );
  }

  /**
   * Archives a version for retention, if a plan made on fresh state at `asOf` still says so
   * (RETENTION_NOT_ELIGIBLE otherwise). Called by the retention job, never by a route.
   */
  archiveForRetention(
    name: string,
    version: number,
    asOf: number,
    ctx: ChangeContext,
  ): Promise<LedgerResult<RetentionActionResult>> {
    return this.#change(ctx, (now) =>
      this.#withVersion(name, version, (m, v) => decideRetentionArchive(this.#db, m, v, asOf, now)),
    );
  }

  /** Marks an archived version's artifacts purged (same fresh re-check); blob GC frees the bytes. */
  purgeArtifacts(
    name: string,
    version: number,
    asOf: number,
    ctx: ChangeContext,
  ): Promise<LedgerResult<RetentionActionResult>> {
    return this.#change(ctx, (now) =>
      this.#withVersion(name, version, (m, v) => decidePurgeArtifacts(this.#db, m, v, asOf, now)),
    );
  }

  /**
   * Carries out several of a retention run's actions on this model in one call (issue #19): one
   * Durable Object subrequest per model and chunk instead of one per action, so a run's cap is not
   * spent on RPCs. Each action is still its own change (fresh per-version re-check, own audit entry
   * and event, own result), group-committed with the others. Grouping is safe: acting on one version
   * never protects another. The job sends a version's purge only once its archive is committed (a
   * later call), so a purge is always decided on an Archived version.
   */
  applyRetention(
    name: string,
    actions: { kind: "archive" | "purge"; version: number; reason: string }[],
    asOf: number,
    ctx: ChangeContext,
  ): Promise<LedgerResult<LedgerResult<RetentionActionResult>[]>> {
    const results = Promise.all(
      actions.map((a) =>
        this.#change(
          { ...ctx, reason: a.reason },
          (now) =>
            this.#withVersion(name, a.version, async (m, v) =>
              withConflicts(
                await (a.kind === "archive"
                  ? decideRetentionArchive(this.#db, m, v, asOf, now)
                  : decidePurgeArtifacts(this.#db, m, v, asOf, now)),
                [`version:${a.version}`],
              ),
            ),
          { group: true },
        ).catch((error: unknown) => fail("INTERNAL", String(error))),
      ),
    );
    return results.then((value) => ({ ok: true, value }));
  }

  // ---- progressive rollouts (issue 18): start, step, finish, and the guards' rollback ----

  startRollout(
    name: string,
    input: CreateRolloutInput,
    ctx: ChangeContext,
  ): Promise<LedgerResult<RolloutView>> {
    return this.#change(ctx, (now) =>
      this.#withModel(name, (m) => decideStartRollout(this.#db, m, input, ctx, now)),
    );
  }

  /** Moves to the next step, or completes past the last one. */
  advanceRollout(name: string, id: string, ctx: ChangeContext): Promise<LedgerResult<RolloutView>> {
    return this.#change(ctx, (now) =>
      this.#withRollout(name, id, (m, r) => decideAdvanceRollout(this.#db, m, r, ctx, now)),
    );
  }

  /** Completes: the alias now names the canary version. */
  promoteRollout(name: string, id: string, ctx: ChangeContext): Promise<LedgerResult<RolloutView>> {
    return this.#change(ctx, (now) =>
      this.#withRollout(name, id, (m, r) => decidePromoteRollout(this.#db, m, r, ctx, now)),
    );
  }

  abortRollout(name: string, id: string, ctx: ChangeContext): Promise<LedgerResult<RolloutView>> {
    return this.#change(ctx, (now) =>
      this.#withRollout(name, id, (m, r) => decideAbortRollout(this.#db, m, r, ctx, now)),
    );
  }

  /**
   * Judges the rollout's guards on fresh state after a canary node reported; rolls back on a
   * breach, writes nothing otherwise. Called by the report path, never by a person.
   */
  checkRolloutGuards(name: string, id: string, ctx: ChangeContext): Promise<LedgerResult<RolloutView>> {
    return this.#change(ctx, (now) =>
      this.#withRollout(name, id, (m, r) => decideGuardCheck(this.#db, m, r, now)),
    );
  }

  /** The cron's step: advance when the step is due and every guard held (see decideScheduledStep). */
  stepRollout(
    name: string,
    id: string,
    asOf: number,
    ctx: ChangeContext,
  ): Promise<LedgerResult<RolloutView>> {
    return this.#change(ctx, (now) =>
      this.#withRollout(name, id, (m, r) => decideScheduledStep(this.#db, m, r, ctx, Math.max(now, asOf))),
    );
  }

  async #withRollout<T>(
    name: string,
    id: string,
    decide: (model: ModelRow, rollout: RolloutRow) => Promise<LedgerResult<Change<T>>>,
  ) {
    return this.#withModel(name, async (model) => {
      const row = await findRollout(this.#db, id);
      return row && row.modelId === model.id
        ? decide(model, row)
        : fail("ROLLOUT_NOT_FOUND", `model '${name}' has no rollout '${id}'`);
    });
  }

  // ---- chunked files (issue 16): a pending version becomes READY or FAILED_REGISTRATION ----

  /**
   * Settles a PENDING_REGISTRATION version once the server has hashed its chunked files; answers
   * VERSION_NOT_READY while some are still unverified. Called by the verify queue, never by a route.
   */
  settleVerification(name: string, version: number, ctx: ChangeContext): Promise<LedgerResult<VersionView>> {
    return this.#change(ctx, (now) =>
      this.#withVersion(name, version, (m, v) => decideSettleVerification(this.#db, m, v, now)),
    );
  }

  /** A model's policy from the writer's head state (read from D1 once until the head is dropped). */
  readonly #policyOf = (db: Db, modelId: string) =>
    this.#writer.headPolicy(modelId, () => readPolicy(db, modelId));

  /** Records a storage repair (or loss) found by the scrub; runs on the system ledger instance. */
  recordStorageRepair(repair: StorageRepair, ctx: ChangeContext): Promise<LedgerResult<StorageRepair>> {
    return this.#change(ctx, async (now) => decideStorageRepair(this.#db, repair, now));
  }

  async #withModel<T>(name: string, decide: (model: ModelRow) => Promise<LedgerResult<Change<T>>>) {
    let model = this.#writer.cachedModel(name);
    if (!model) {
      model = await findModelRow(this.#db, name);
      if (model) this.#writer.rememberModel(model);
    }
    return model ? decide(model) : fail("MODEL_NOT_FOUND", `model '${name}' does not exist`);
  }

  async #withVersion<T>(
    name: string,
    version: number,
    decide: (model: ModelRow, version: VersionRow) => Promise<LedgerResult<Change<T>>>,
  ) {
    return this.#withModel(name, async (model) => {
      // The row with its tags and aliases (one query): a change can answer from it (written state).
      const row = await findVersionViewRow(this.#db, model.id, version);
      return row
        ? decide(model, row)
        : fail("VERSION_NOT_FOUND", `model '${name}' has no version ${version}`);
    });
  }

  /** An alias move decided on the head state (policy, alias facts: see alias-head.ts). */
  #moveAlias<T>(
    name: string,
    input: SetAliasInput,
    ctx: ChangeContext,
    answer: (model: ModelRow) => AliasAnswer<T>,
  ): Promise<LedgerResult<T>> {
    return this.#change(
      ctx,
      (now) =>
        this.#withModel(name, (m) =>
          decideSetAlias(this.#db, m, input, ctx, now, answer(m), {
            policyOf: this.#policyOf,
            aliases: this.#writer.aliasHead(m.id),
          }),
        ),
      { group: true },
    );
  }

  #change<T>(ctx: ChangeContext, decide: Decide<T>, options?: { group?: boolean }): Promise<LedgerResult<T>> {
    return this.#writer.run(ctx, decide, options);
  }
}

/** A decided change that names the state it touches, so group commit keeps it apart from others. */
function withConflicts<T>(decision: LedgerResult<Change<T>>, conflicts: string[]): LedgerResult<Change<T>> {
  return decision.ok ? { ...decision, value: { ...decision.value, conflicts } } : decision;
}
