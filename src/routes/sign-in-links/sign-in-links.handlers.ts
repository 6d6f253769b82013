import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { createSignInLink as createLink } from "../../operations/sign-in-links";
import type * as routes from "./sign-in-links.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const createSignInLink: Handler<"createSignInLink"> = async (c) => c.json(await createLink(c), 201);
