import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { searchVersions as searchVersionRows } from "../../db/repos/search-repo";
import type { AppEnv } from "../../env";
import { parseFilterQuery, parseOrderQuery } from "./parse-query";
import type * as routes from "./search.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const searchVersions: Handler<"searchVersions"> = async (c) => {
  const q = c.req.valid("query");
  const page = await searchVersionRows(createDb(c.env.DB), {
    filter: parseFilterQuery(q.filter, "versions"),
    orderBy: parseOrderQuery(q.order_by, "versions"),
    queryKey: `${q.filter ?? ""}\n${q.order_by ?? ""}`,
    scopes: c.get("actor").scopes,
    pageSize: q.page_size,
    pageToken: q.page_token,
  });
  return c.json(page, 200);
};
