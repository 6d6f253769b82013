import type { Actor } from "./domain/roles";

/** Hono's environment for this Worker: the bindings from wrangler.toml plus per-request variables. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** Set by the authentication middleware on every /api/v1 route. */
    actor: Actor;
    /** Console pages (issue 14): the signed-in session's CSRF token, set by src/console/session.ts. */
    csrf: string;
  };
};
