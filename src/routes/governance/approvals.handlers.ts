import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { listRequests, readRequestView, requestModelName } from "../../db/repos/approvals-repo";
import { inScope } from "../../domain/scopes";
import type { AppEnv } from "../../env";
import { ledgerFor, unwrap } from "../../ledger/ledger-client";
import { decodePageToken, encodePageToken } from "../../lib/page-token";
import { ApiError } from "../../lib/problem";
import { assertVisible, changeContext } from "../context";
import type * as routes from "./approvals.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

/** The request's model, if the caller may see it; otherwise the request does not exist for them. */
async function visibleModel(c: Context<AppEnv>, id: string): Promise<string> {
  const name = await requestModelName(createDb(c.env.DB), id);
  if (!name || !inScope(c.get("actor").scopes, name)) {
    throw new ApiError("APPROVAL_REQUEST_NOT_FOUND", `approval request '${id}' does not exist`);
  }
  return name;
}

export const requestApproval: Handler<"requestApproval"> = async (c) => {
  const { name, version } = c.req.valid("param");
  assertVisible(c, name);
  const { comment } = c.req.valid("json");
  const result = await ledgerFor(c.env, name).requestApproval(
    name,
    version,
    comment,
    changeContext(c, comment || undefined),
  );
  const request = unwrap(result);
  c.header("location", `/api/v1/approval-requests/${request.id}`);
  return c.json(request, 201);
};

const ORDER = "created_at DESC";

export const listApprovalRequests: Handler<"listApprovalRequests"> = async (c) => {
  const { status, model, requester, decider, page_size, page_token } = c.req.valid("query");
  if (model !== undefined) assertVisible(c, model);
  const cursor = decodePageToken(page_token, ORDER);
  const { items, last } = await listRequests(createDb(c.env.DB), {
    status,
    model,
    requester,
    decider,
    scopes: c.get("actor").scopes,
    pageSize: page_size,
    after: cursor ? { createdAt: Number(cursor.k), id: cursor.n } : null,
  });
  const next = last ? encodePageToken({ o: ORDER, k: last.createdAt, n: last.id }) : null;
  return c.json({ items, next_page_token: next }, 200);
};

export const getApprovalRequest: Handler<"getApprovalRequest"> = async (c) => {
  const { id } = c.req.valid("param");
  await visibleModel(c, id);
  const found = await readRequestView(createDb(c.env.DB), id);
  if (!found) throw new ApiError("APPROVAL_REQUEST_NOT_FOUND", `approval request '${id}' does not exist`);
  return c.json(found, 200);
};

export const approve: Handler<"approve"> = async (c) => {
  const { id } = c.req.valid("param");
  const name = await visibleModel(c, id);
  const { comment } = c.req.valid("json");
  const result = await ledgerFor(c.env, name).approve(
    name,
    id,
    comment,
    changeContext(c, comment || undefined),
  );
  return c.json(unwrap(result), 200);
};

export const reject: Handler<"reject"> = async (c) => {
  const { id } = c.req.valid("param");
  const name = await visibleModel(c, id);
  const { comment } = c.req.valid("json");
  const result = await ledgerFor(c.env, name).reject(
    name,
    id,
    comment,
    changeContext(c, comment || undefined),
  );
  return c.json(unwrap(result), 200);
};

export const cancel: Handler<"cancel"> = async (c) => {
  const { id } = c.req.valid("param");
  const name = await visibleModel(c, id);
  const { comment } = c.req.valid("json");
  const result = await ledgerFor(c.env, name).cancelApprovalRequest(
    name,
    id,
    comment,
    changeContext(c, comment || undefined),
  );
  return c.json(unwrap(result), 200);
};
