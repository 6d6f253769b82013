/** Worker entry: wiring only. */
import { createApp } from "./app";
import type { EventEnvelope } from "./events/envelope";
import { consumeDeadLetters, consumeEvents, EVENTS_DLQ } from "./events/queue-consumer";
import { runScheduled } from "./jobs/scheduled";

export { ModelLedger } from "./ledger/model-ledger";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<EventEnvelope>, env: Env) {
    if (batch.queue === EVENTS_DLQ) await consumeDeadLetters(batch);
    else await consumeEvents(batch, env);
  },
  async scheduled(controller: ScheduledController, env: Env) {
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env, EventEnvelope>;
