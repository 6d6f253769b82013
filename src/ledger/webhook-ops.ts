/**
 * Webhook subscription changes and manual redeliveries, recorded on the `system` audit chain
 * (subscriptions belong to no model). Audit entries never contain the secret, only that it changed.
 */
import type { Db } from "../db/client";
import { findDelivery, resetDelivery, toDeliveryView } from "../db/repos/deliveries-repo";
import {
  countActiveWebhooks,
  deleteWebhook,
  findWebhook,
  insertWebhook,
  MAX_ACTIVE_WEBHOOKS,
  toWebhookView,
  updateWebhook,
  type WebhookPatch,
  type WebhookRow,
} from "../db/repos/webhooks-repo";
import { patternWithin } from "../domain/scopes";
import type { DeliveryView, WebhookView } from "../schemas/webhooks";
import { type Change, type ChangeContext, fail, type LedgerResult } from "./ledger-types";
import { SYSTEM_CHAIN } from "./token-ops";

const audited = (row: Pick<WebhookRow, "url" | "events" | "modelPattern" | "active" | "description">) => ({
  url: row.url,
  events: row.events,
  model_pattern: row.modelPattern,
  active: row.active,
  description: row.description,
});

function systemChange<T>(
  fields: Pick<Change<T>, "statements" | "action" | "target" | "before" | "after" | "respond">,
): Change<T> {
  return { chain: SYSTEM_CHAIN, modelName: null, ...fields };
}

/** A subscription reaching beyond the caller's scopes is invisible to it (invariant 9). */
const visible = (row: WebhookRow | undefined, ctx: ChangeContext): row is WebhookRow =>
  row !== undefined && patternWithin(row.modelPattern, ctx.scopes ?? null);

const widening = (ctx: ChangeContext) =>
  fail("SCOPE_WIDENING", "a webhook cannot watch models beyond its creator's scopes", [
    {
      path: "model_pattern",
      message: `must be a pattern within ${JSON.stringify(ctx.scopes)} (a scoped token must name one)`,
    },
  ]);

export async function decideCreateWebhook(
  db: Db,
  row: WebhookRow,
  ctx: ChangeContext,
): Promise<LedgerResult<Change<WebhookView>>> {
  if (!patternWithin(row.modelPattern, ctx.scopes ?? null)) return widening(ctx);
  if (row.active && (await countActiveWebhooks(db)) >= MAX_ACTIVE_WEBHOOKS) return limitReached();
  return {
    ok: true,
    value: systemChange({
      statements: [insertWebhook(db, row)],
      action: "webhook.created",
      target: `webhook:${row.id}`,
      before: null,
      after: audited(row),
      respond: async () => toWebhookView(row),
    }),
  };
}

export async function decideUpdateWebhook(
  db: Db,
  id: string,
  patch: WebhookPatch,
  now: number,
  ctx: ChangeContext,
): Promise<LedgerResult<Change<WebhookView>>> {
  const row = await findWebhook(db, id);
  if (!visible(row, ctx)) return fail("WEBHOOK_NOT_FOUND", `no webhook '${id}'`);
  if (patch.modelPattern !== undefined && !patternWithin(patch.modelPattern, ctx.scopes ?? null)) {
    return widening(ctx);
  }
  if (patch.active && !row.active && (await countActiveWebhooks(db)) >= MAX_ACTIVE_WEBHOOKS) {
    return limitReached();
  }
  const updated: WebhookRow = { ...row, ...patch, updatedAt: now };
  return {
    ok: true,
    value: systemChange({
      statements: [updateWebhook(db, id, patch, now)],
      action: "webhook.updated",
      target: `webhook:${id}`,
      before: audited(row),
      after: { ...audited(updated), ...(patch.secret ? { secret_rotated: true } : {}) },
      respond: async () => toWebhookView(updated),
    }),
  };
}

export async function decideDeleteWebhook(
  db: Db,
  id: string,
  ctx: ChangeContext,
): Promise<LedgerResult<Change<null>>> {
  const row = await findWebhook(db, id);
  if (!visible(row, ctx)) return fail("WEBHOOK_NOT_FOUND", `no webhook '${id}'`);
  return {
    ok: true,
    value: systemChange({
      statements: deleteWebhook(db, id),
      action: "webhook.deleted",
      target: `webhook:${id}`,
      before: audited(row),
      after: null,
      respond: async () => null,
    }),
  };
}

export async function decideRedeliver(
  db: Db,
  id: string,
  now: number,
  ctx: ChangeContext,
): Promise<LedgerResult<Change<DeliveryView>>> {
  const row = await findDelivery(db, id);
  if (!row || !visible(await findWebhook(db, row.subscriptionId), ctx))
    return fail("DELIVERY_NOT_FOUND", `no delivery '${id}'`);
  return {
    ok: true,
    value: systemChange({
      statements: [resetDelivery(db, id, now)],
      action: "webhook_delivery.redelivered",
      target: `delivery:${id}`,
      before: { status: row.status, attempts: row.attempts },
      after: { status: "pending", attempts: 0 },
      respond: async () =>
        toDeliveryView({ ...row, status: "pending", attempts: 0, nextRetryAt: null, updatedAt: now }),
    }),
  };
}

const limitReached = () =>
  fail(
    "WEBHOOK_LIMIT_REACHED",
    `at most ${MAX_ACTIVE_WEBHOOKS} active webhook subscriptions; deactivate or delete one first`,
  );
