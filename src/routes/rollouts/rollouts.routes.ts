import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../middleware/auth";
import { errorResponses, jsonBody, jsonResponse, ModelParamsSchema } from "../../schemas/common";
import {
  CreateRolloutSchema,
  RolloutActionSchema,
  RolloutPageSchema,
  RolloutParamsSchema,
  RolloutSchema,
  RolloutsQuerySchema,
} from "../../schemas/rollouts";

const tags = ["rollouts"];

export const createRollout = createRoute({
  method: "post",
  path: "/models/{name}/rollouts",
  tags,
  summary: "Start moving an alias to a version gradually, guarded by the canary nodes' health",
  description:
    "Roles and policy as for moving the alias (a protected alias needs an approver; an alias serving the " +
    "Production version needs the new version approved first). One active rollout per alias (409 ROLLOUT_ALREADY_ACTIVE). " +
    "While it is active the alias itself keeps naming the stable version; only `resolve` with a `node_id` can answer the canary.",
  middleware: [requireRole("contributor")] as const,
  request: { params: ModelParamsSchema, body: jsonBody(CreateRolloutSchema) },
  responses: { 201: jsonResponse(RolloutSchema, "The rollout, active"), ...errorResponses },
});

export const listRollouts = createRoute({
  method: "get",
  path: "/models/{name}/rollouts",
  tags,
  summary: "A model's rollouts, newest first, each with its history and any guard breach",
  middleware: [requireRole("read")] as const,
  request: { params: ModelParamsSchema, query: RolloutsQuerySchema },
  responses: { 200: jsonResponse(RolloutPageSchema, "Rollouts"), ...errorResponses },
});

const move = (path: "advance" | "promote" | "abort", summary: string) =>
  createRoute({
    method: "post",
    path: `/rollouts/{id}/${path}`,
    tags,
    summary,
    middleware: [requireRole("contributor")] as const,
    request: {
      params: RolloutParamsSchema,
      body: { ...jsonBody(RolloutActionSchema), required: false },
    },
    responses: { 200: jsonResponse(RolloutSchema, "The rollout after the move"), ...errorResponses },
  });

export const advanceRollout = move(
  "advance",
  "Move to the next step's weight (past the last step, complete the rollout)",
);
export const promoteRollout = move("promote", "Complete now: the alias names the new version for every node");
export const abortRollout = move("abort", "Cancel: every node resolves the stable version again");
