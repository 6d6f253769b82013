/** Streaming SHA-256 of files: memory stays flat however large the weights are. */

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

export interface FileDigest {
  /** `sha256:<64 hex>`, the registry's content address. */
  digest: string;
  size: number;
}

export function formatDigest(hex: string): string {
  return `sha256:${hex}`;
}

/** The hex part of a `sha256:<hex>` digest; throws on anything else (it ends up in a URL). */
export function digestHex(digest: string): string {
  const match = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!match?.[1]) throw new Error(`not a sha256 digest: ${digest}`);
  return match[1];
}

/** Hashes a file (or a byte range of it) by streaming it; `onBytes` feeds the progress bar. */
export async function hashFile(
  path: string,
  onBytes: (n: number) => void = () => {},
  range?: { start: number; end: number },
): Promise<FileDigest> {
  const hash = createHash("sha256");
  let size = 0;
  // 1 MiB reads: fewer syscalls than the 64 KiB default, measurably faster on large files.
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...range });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    onBytes(chunk.length);
  }
  return { digest: formatDigest(hash.digest("hex")), size };
}

export function hashBytes(bytes: Uint8Array): string {
  return formatDigest(createHash("sha256").update(bytes).digest("hex"));
}
