/** The cron entry: which job runs on which trigger (see wrangler.toml `[triggers]`). */
import { sweepOutbox } from "./outbox-sweep";

export const FREQUENT_CRON = "*/5 * * * *";

export async function runScheduled(
  controller: ScheduledController,
  env: Env,
): Promise<Record<string, unknown>> {
  const now = controller.scheduledTime;
  const results: Record<string, unknown> = {};
  // The outbox sweep runs on every trigger: it is cheap, and losing events is not an option.
  results.outbox = await sweepOutbox(env, now);
  return results;
}
