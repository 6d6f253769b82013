/** The cron entry: which job runs on which trigger (see wrangler.toml `[triggers]`). */
import { createDb } from "../db/client";
import { backlogPending } from "../db/repos/retention-repo";
import { sweepOutbox } from "./outbox-sweep";
import { runRetention } from "./retention";
import { stepRollouts } from "./rollout-steps";
import { runScrub, SCRUB_CRON } from "./scrub";
import { flagSilentNodes } from "./silent-nodes";
import { sweepVerification } from "./verify-files";

export const FREQUENT_CRON = "*/5 * * * *";
/** Daily: retention policies, blob GC and stale multipart uploads (src/jobs/retention.ts). */
export const DAILY_CRON = "17 3 * * *";

export async function runScheduled(
  controller: ScheduledController,
  env: Env,
): Promise<Record<string, unknown>> {
  const now = controller.scheduledTime;
  const results: Record<string, unknown> = {};
  // The outbox sweep runs on every trigger: it is cheap, and losing events is not an option.
  results.outbox = await sweepOutbox(env, now);
  // Rollout steps are due by the minute; every trigger looks (issue 18).
  results.rollouts = await stepRollouts(env, now);
  results.verification = await sweepVerification(env, now);
  // Silent nodes are stale after 10 minutes; a 5-minute trigger flags them within 15 (issue #19).
  results.silentNodes = await flagSilentNodes(env, now);
  // The daily trigger runs retention; a frequent one continues a run that left a backlog (issue #19).
  const continuing = controller.cron !== DAILY_CRON && (await backlogPending(createDb(env.DB)));
  if (controller.cron === DAILY_CRON || continuing) {
    const run = await runRetention(env, {
      now,
      dryRun: false,
      trigger: "cron",
      actor: { id: "cron", name: "cron" },
      requestId: `cron-${now}`,
    });
    results.retention = {
      id: run.id,
      archived: run.archived,
      purged: run.purged,
      freed: run.bytes_freed,
      deferred: run.backlog.deferred, // issue #19: left for the next tick
    };
  }
  if (controller.cron === SCRUB_CRON) results.scrub = await runScrub(env, now);
  return results;
}
