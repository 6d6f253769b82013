/**
 * Webhook administration shared by the API's webhook routes and the console's /admin/webhooks:
 * the admin check, the subscriptions within the caller's scopes and their recent deliveries, and
 * redelivery (the system ledger checks the delivery's subscription against the scopes again).
 */
import type { Context } from "hono";
import { createDb } from "../db/client";
import { listDeliveries } from "../db/repos/deliveries-repo";
import { listWebhooks } from "../db/repos/webhooks-repo";
import type { AppEnv } from "../env";
import { redeliver } from "../events/subscriptions";
import { changeContext } from "../routes/context";
import { assertRole } from "./access";

/** Sends a delivery again with a fresh attempt budget (its audit entry names the caller). */
export async function redeliverDelivery(c: Context<AppEnv>, id: string) {
  assertRole(c, "admin");
  return redeliver(c.env, id, changeContext(c));
}

/** Up to `pageSize` subscriptions the caller may see, each with its `recent` newest deliveries. */
export async function webhooksWithDeliveries(c: Context<AppEnv>, pageSize: number, recent: number) {
  assertRole(c, "admin");
  const db = createDb(c.env.DB);
  const { items } = await listWebhooks(db, c.get("actor").scopes, pageSize, undefined);
  // One read per subscription, side by side: the page waits for one round trip, not n.
  const deliveries = await Promise.all(items.map((w) => listDeliveries(db, w.id, recent, undefined)));
  return items.map((webhook, i) => ({ webhook, deliveries: deliveries[i]?.items ?? [] }));
}
