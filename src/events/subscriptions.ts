/**
 * Webhook subscription management for the HTTP layer: checks the URL, generates or takes the
 * secret, seals it, then records the change through the system ledger (audited on the `system`
 * chain). The plain secret is returned once, on creation, and never again.
 */
import type { WebhookPatch, WebhookRow } from "../db/repos/webhooks-repo";
import { checkWebhookUrl } from "../domain/webhook-url";
import { ledgerFor, SYSTEM_LEDGER, unwrap } from "../ledger/ledger-client";
import type { ChangeContext } from "../ledger/ledger-types";
import { newId } from "../lib/ids";
import { ApiError } from "../lib/problem";
import type { CreateWebhookInput, DeliveryView, UpdateWebhookInput, WebhookView } from "../schemas/webhooks";
import { deliveryMessage } from "./fan-out";
import { sealSecret } from "./secret-box";
import { generateSecret } from "./signature";

export async function createSubscription(
  env: Env,
  input: CreateWebhookInput,
  ctx: ChangeContext,
): Promise<WebhookView & { secret: string }> {
  const url = allowedUrl(env, input.url);
  const id = newId("whk");
  const secret = input.secret ?? generateSecret();
  const now = Date.now();
  const row: WebhookRow = {
    id,
    url,
    events: [...new Set(input.events)],
    modelPattern: input.model_pattern ?? null,
    secret: await sealSecret(env, id, secret),
    active: input.active,
    description: input.description,
    createdBy: ctx.actor.name,
    createdAt: now,
    updatedAt: now,
  };
  const view = unwrap(await ledgerFor(env, SYSTEM_LEDGER).createWebhook(row, ctx));
  return { ...view, secret };
}

export async function updateSubscription(
  env: Env,
  id: string,
  input: UpdateWebhookInput,
  ctx: ChangeContext,
): Promise<WebhookView> {
  const patch: WebhookPatch = {};
  if (input.url !== undefined) patch.url = allowedUrl(env, input.url);
  if (input.events !== undefined) patch.events = [...new Set(input.events)];
  if (input.model_pattern !== undefined) patch.modelPattern = input.model_pattern;
  if (input.active !== undefined) patch.active = input.active;
  if (input.description !== undefined) patch.description = input.description;
  if (input.secret !== undefined) patch.secret = await sealSecret(env, id, input.secret);
  return unwrap(await ledgerFor(env, SYSTEM_LEDGER).updateWebhook(id, patch, ctx));
}

export async function deleteSubscription(env: Env, id: string, ctx: ChangeContext): Promise<void> {
  unwrap(await ledgerFor(env, SYSTEM_LEDGER).deleteWebhook(id, ctx));
}

/** Resets the delivery (full attempt budget) and queues it again, whatever its state was. */
export async function redeliver(env: Env, deliveryId: string, ctx: ChangeContext): Promise<DeliveryView> {
  const view = unwrap(await ledgerFor(env, SYSTEM_LEDGER).redeliverWebhook(deliveryId, ctx));
  await env.DELIVERIES.send(
    deliveryMessage({ id: view.id, eventId: view.event_id, subscriptionId: view.subscription_id }),
    { contentType: "json" },
  );
  return view;
}

function allowedUrl(env: Env, raw: string): string {
  const check = checkWebhookUrl(raw, env.ENVIRONMENT);
  if (!check.ok) {
    throw new ApiError("WEBHOOK_URL_REFUSED", `webhook url ${check.reason}`, [
      { path: "url", message: check.reason },
    ]);
  }
  return check.url;
}
