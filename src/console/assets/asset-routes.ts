/** Serves the console's assets from the Worker itself; the URL carries a content hash. */
import type { Context } from "hono";
import { STYLESHEET } from "./stylesheet";

/** FNV-1a: a cheap, synchronous content hash, so the URL changes whenever the stylesheet does. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

export const STYLESHEET_PATH = `/assets/console-${fnv1a(STYLESHEET)}.css`;

export function serveStylesheet(c: Context) {
  return c.body(STYLESHEET, 200, {
    "content-type": "text/css; charset=utf-8",
    "cache-control": "public, max-age=31536000, immutable",
  });
}
