import { base64url, randomBytes } from "./crypto";

/** Prefixed random ids (`mdl_…`, `ver_…`, `tok_…`, `evt_…`) so an id says what it names. */
export type IdPrefix = "mdl" | "ver" | "tok" | "evt" | "req" | "upl" | "whk" | "apr" | "dst";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${base64url(randomBytes(12))}`;
}
