/** Worker entry: wiring only. */
import { createApp } from "./app";
import { handleQueue, type QueueBody } from "./events/queue-consumer";
import { runScheduled } from "./jobs/scheduled";
import { consumeVerify, VERIFY_QUEUE } from "./jobs/verify-files";
import { hotRead } from "./routes/hot-reads";
import type { VerifyMessage } from "./storage/chunked-files";

export { ModelLedger } from "./ledger/model-ledger";

const app = createApp();

export default {
  // Cached polled alias reads answer before the router (issue 13, src/routes/hot-reads.ts).
  fetch: (request: Request, env: Env, ctx: ExecutionContext) =>
    hotRead(request) ?? app.fetch(request, env, ctx),
  async queue(batch: MessageBatch<QueueBody | VerifyMessage>, env: Env) {
    if (batch.queue === VERIFY_QUEUE) await consumeVerify(batch as MessageBatch<VerifyMessage>, env);
    else await handleQueue(batch as MessageBatch<QueueBody>, env);
  },
  async scheduled(controller: ScheduledController, env: Env) {
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env, QueueBody | VerifyMessage>;
