/**
 * The MLflow facade's router and route factory. MLflow clients expect MLflow's error JSON, so this
 * router renders every failure — validation, authentication, roles, ledger refusals — as
 * `{"error_code","message"}` (src/mlflow/errors) instead of problem+json.
 */
import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import type { Requirement } from "../../domain/roles";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { requireRole } from "../../middleware/auth";
import {
  fromCode,
  invalidParameter,
  MlflowError,
  missingParameter,
  mlflowErrorResponse,
} from "../../mlflow/errors";
import { MlflowErrorSchema } from "../../mlflow/schemas";

/** Zod failures in MLflow's words: a missing field is "Missing value for required parameter". */
function validationError(error: ZodError, data: unknown): MlflowError {
  const issue = error.issues[0];
  const field = String(issue?.path[0] ?? "request");
  const raw = data && typeof data === "object" ? (data as Record<string, unknown>)[field] : undefined;
  if (raw === undefined || raw === null || raw === "") return missingParameter(field);
  const where = issue?.path.map(String).join(".") ?? field;
  return invalidParameter(
    `Invalid value ${JSON.stringify(raw)} for parameter '${where}' supplied: ${issue?.message}`,
  );
}

export function renderMlflowError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof MlflowError) return mlflowErrorResponse(error);
  if (error instanceof ApiError) return mlflowErrorResponse(fromCode(error.code, error.message));
  if (error instanceof HTTPException && error.status < 500) {
    const code =
      error.status === 401
        ? "CUSTOMER_UNAUTHORIZED"
        : error.status === 400
          ? "MALFORMED_REQUEST"
          : "INVALID_PARAMETER_VALUE";
    return mlflowErrorResponse(new MlflowError(code, error.message || "bad request"));
  }
  const id = c.get("requestId");
  console.error(`request ${id} failed`, error);
  return mlflowErrorResponse(new MlflowError("INTERNAL_ERROR", `internal error; quote request id ${id}`));
}

export function createMlflowRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success)
        throw validationError(result.error as ZodError, (result as { data?: unknown }).data);
    },
  });
  router.onError(renderMlflowError);
  return router;
}

const errorContent = { "application/json": { schema: MlflowErrorSchema } };
const errors = {
  400: {
    description: "INVALID_PARAMETER_VALUE, RESOURCE_ALREADY_EXISTS, MALFORMED_REQUEST",
    content: errorContent,
  },
  401: { description: "CUSTOMER_UNAUTHORIZED", content: errorContent },
  403: { description: "PERMISSION_DENIED", content: errorContent },
  404: { description: "RESOURCE_DOES_NOT_EXIST", content: errorContent },
  409: { description: "RESOURCE_CONFLICT", content: errorContent },
} as const;

type Method = "get" | "post" | "patch" | "delete";

/** One MLflow endpoint: GET reads its query string, every other method a JSON body. */
export function mlflowRoute<M extends Method, I extends z.ZodObject, O extends z.ZodTypeAny>(
  method: M,
  path: string,
  role: Requirement,
  input: I,
  output: O,
  summary: string,
) {
  const request =
    method === "get"
      ? { query: input }
      : { body: { content: { "application/json": { schema: input } }, required: true } };
  return createRoute({
    method,
    path,
    tags: ["mlflow"],
    summary,
    middleware: [requireRole(role)] as const,
    request: request as M extends "get"
      ? { query: I }
      : { body: { content: { "application/json": { schema: I } }; required: true } },
    responses: { 200: { content: { "application/json": { schema: output } }, description: "OK" }, ...errors },
  });
}
