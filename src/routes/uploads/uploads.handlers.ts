import type { RouteHandler } from "@hono/zod-openapi";
import { ARTIFACT_LIMITS } from "../../domain/artifacts";
import type { AppEnv } from "../../env";
import {
  abortUpload as abort,
  completeUpload as complete,
  createUpload as create,
  describeUpload,
  putPart as put,
} from "../../storage/multipart";
import { contentLength, rawBody } from "../blobs/blobs.handlers";
import type * as routes from "./uploads.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const createUpload: Handler<"createUpload"> = async (c) => {
  const upload = await create(c.env, c.get("actor"), c.req.valid("json"));
  c.header("location", `/api/v1/uploads/${upload.id}`);
  return c.json(upload, 201);
};

export const getUpload: Handler<"getUpload"> = async (c) => {
  return c.json(await describeUpload(c.env, c.get("actor"), c.req.valid("param").id), 200);
};

export const putPart: Handler<"putPart"> = async (c) => {
  const { id, n } = c.req.valid("param");
  const length = contentLength(c, ARTIFACT_LIMITS.maxRequestBodyBytes);
  return c.json(await put(c.env, c.get("actor"), id, n, rawBody(c), length), 200);
};

export const completeUpload: Handler<"completeUpload"> = async (c) => {
  const result = await complete(c.env, c.get("actor"), c.req.valid("param").id);
  c.header("location", `/api/v1/blobs/${result.digest}`);
  return c.json({ digest: result.digest, size: result.size }, result.created ? 201 : 200);
};

export const abortUpload: Handler<"abortUpload"> = async (c) => {
  await abort(c.env, c.get("actor"), c.req.valid("param").id);
  return c.body(null, 204);
};
