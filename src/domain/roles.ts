/**
 * Who may do what. Roles are ordered: each has everything of the one before.
 * `serving` is outside the ladder: it reads and reports deployments only.
 */
export const ROLES = ["viewer", "contributor", "approver", "admin"] as const;
export const TOKEN_ROLES = [...ROLES, "serving"] as const;
export type LadderRole = (typeof ROLES)[number];
export type Role = (typeof TOKEN_ROLES)[number];

/** The authenticated caller, as the rest of the system sees it. */
export interface Actor {
  /**
   * The principal acting (`prn_…`, or `bootstrap-admin` for the Worker-secret token): separation of
   * duties, votes, uploads and idempotency keys belong to the principal, whichever token it used.
   */
  id: string;
  /** The token used (`tok_…`), or `bootstrap-admin`. */
  tokenId: string;
  /** The principal's name, recorded as `actor` in the audit log and events. */
  name: string;
  role: Role;
  /** Model-name glob patterns this token is limited to; null means every model. */
  scopes: string[] | null;
}

/** The minimum a route asks for: a ladder role, or `read` (viewer or serving). */
export type Requirement = LadderRole | "read";

export function satisfies(role: Role, required: Requirement): boolean {
  if (required === "read") return true;
  if (role === "serving") return false;
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
