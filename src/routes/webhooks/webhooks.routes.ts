import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse, PageQuerySchema } from "../../schemas/common";
import {
  CreatedWebhookSchema,
  CreateWebhookSchema,
  DeliveryPageSchema,
  DeliverySchema,
  UpdateWebhookSchema,
  WebhookPageSchema,
  WebhookParamsSchema,
  WebhookSchema,
} from "../../schemas/webhooks";

const tags = ["webhooks"];

export const createWebhook = createRoute({
  method: "post",
  path: "/webhooks",
  tags,
  summary: "Subscribe a URL to events (the signing secret is shown once)",
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(CreateWebhookSchema) },
  responses: { 201: jsonResponse(CreatedWebhookSchema, "Created"), ...errorResponses },
});

export const listWebhooks = createRoute({
  method: "get",
  path: "/webhooks",
  tags,
  summary: "List webhook subscriptions (never their secrets)",
  middleware: [requireRole("admin")] as const,
  request: { query: PageQuerySchema },
  responses: { 200: jsonResponse(WebhookPageSchema, "Subscriptions"), ...errorResponses },
});

export const getWebhook = createRoute({
  method: "get",
  path: "/webhooks/{id}",
  tags,
  summary: "Get a webhook subscription",
  middleware: [requireRole("admin")] as const,
  request: { params: WebhookParamsSchema },
  responses: { 200: jsonResponse(WebhookSchema, "The subscription"), ...errorResponses },
});

export const updateWebhook = createRoute({
  method: "patch",
  path: "/webhooks/{id}",
  tags,
  summary: "Change a subscription (URL, events, pattern, active, description, or rotate the secret)",
  middleware: [requireRole("admin")] as const,
  request: { params: WebhookParamsSchema, body: jsonBody(UpdateWebhookSchema) },
  responses: { 200: jsonResponse(WebhookSchema, "The subscription"), ...errorResponses },
});

export const deleteWebhook = createRoute({
  method: "delete",
  path: "/webhooks/{id}",
  tags,
  summary: "Delete a subscription and its delivery log",
  middleware: [requireRole("admin")] as const,
  request: { params: WebhookParamsSchema },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

export const listDeliveries = createRoute({
  method: "get",
  path: "/webhooks/{id}/deliveries",
  tags,
  summary: "Delivery log: status, attempts, last status code, latency, next retry",
  middleware: [requireRole("admin")] as const,
  request: { params: WebhookParamsSchema, query: PageQuerySchema },
  responses: { 200: jsonResponse(DeliveryPageSchema, "Deliveries, newest first"), ...errorResponses },
});

export const redeliver = createRoute({
  method: "post",
  path: "/deliveries/{id}/redeliver",
  tags,
  summary: "Send a delivery again (with a fresh attempt budget)",
  middleware: [requireRole("admin")] as const,
  request: { params: WebhookParamsSchema },
  responses: { 202: jsonResponse(DeliverySchema, "Queued again"), ...errorResponses },
});
