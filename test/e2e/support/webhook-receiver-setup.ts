import type { TestProject } from "vitest/node";
import { startWebhookReceiver } from "./webhook-receiver";

/**
 * vitest globalSetup for the `workers` project: starts the receiver in Node and hands its URL to
 * the workerd bindings (vitest.config.ts reads it with `inject`).
 */
export default async function setup(project: TestProject) {
  const receiver = await startWebhookReceiver();
  project.provide("webhookReceiverUrl" as never, receiver.url as never);
  return () => receiver.close();
}
