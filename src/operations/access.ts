/** The checks every operation makes before it acts: the caller's role, then the model's scope. */
import type { Context } from "hono";
import { type Requirement, satisfies } from "../domain/roles";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/problem";

/**
 * The same refusal the API's `requireRole` route middleware gives: the console calls operations
 * without that middleware, so each operation asks for its role itself.
 */
export function assertRole(c: Context<AppEnv>, required: Requirement): void {
  const actor = c.get("actor");
  if (!satisfies(actor.role, required)) {
    throw new ApiError("PERMISSION_DENIED", `this needs the ${required} role; your token has ${actor.role}`);
  }
}
