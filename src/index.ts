/** Worker entry: wiring only. */
import { createApp } from "./app";
import { handleQueue, type QueueBody } from "./events/queue-consumer";
import { runScheduled } from "./jobs/scheduled";

export { ModelLedger } from "./ledger/model-ledger";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<QueueBody>, env: Env) {
    await handleQueue(batch, env);
  },
  async scheduled(controller: ScheduledController, env: Env) {
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env, QueueBody>;
