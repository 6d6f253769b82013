import { randomBytes } from "./crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * base64url of 12 random bytes (16 characters, no padding): four 3-byte groups straight through a
 * table. Same text as base64url(); without the string building and btoa, which showed in the
 * profile of every request (each gets a request id; issue 13).
 */
function encode12(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < 12; i += 3) {
    const n = ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  return out;
}

/** Prefixed random ids (`mdl_…`, `ver_…`, `tok_…`, `evt_…`) so an id says what it names. */
export type IdPrefix = "mdl" | "ver" | "tok" | "evt" | "req" | "upl" | "whk" | "apr" | "prn" | "dst" | "rol";

/**
 * Random bytes drawn 3 KiB at a time: one getRandomValues call per 256 ids instead of one per id
 * (every request gets an id). Same generator, same quality; ids are names, not secrets.
 */
const POOL_BYTES = 3072;
let pool: Uint8Array = new Uint8Array(0);
let used = 0;

export function newId(prefix: IdPrefix): string {
  if (used + 12 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const id = `${prefix}_${encode12(pool.subarray(used, used + 12))}`;
  used += 12;
  return id;
}
