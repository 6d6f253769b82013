/** Multipart planning: which byte range each part covers and which parts are still missing. */

export interface PartRange {
  /** 1-based, as R2 and the upload API number parts. */
  number: number;
  start: number;
  /** Inclusive, as `fs.createReadStream` wants it. */
  end: number;
  length: number;
}

/** Splits `size` bytes into equal parts of `partSize` (the last one shorter). */
export function planParts(size: number, partSize: number): PartRange[] {
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`bad size ${size}`);
  if (!Number.isSafeInteger(partSize) || partSize <= 0) throw new Error(`bad part size ${partSize}`);
  const count = Math.max(1, Math.ceil(size / partSize));
  return Array.from({ length: count }, (_, i) => {
    const start = i * partSize;
    const length = Math.min(partSize, size - start);
    return { number: i + 1, start, end: start + length - 1, length };
  });
}

/** The parts the server does not have yet, in order. */
export function missingParts(plan: PartRange[], uploaded: Iterable<number>): PartRange[] {
  const have = new Set(uploaded);
  return plan.filter((p) => !have.has(p.number));
}

/** Parses `16MiB`, `5MB`, `1048576`, `1.5GiB` into bytes (binary and decimal units). */
export function parseBytes(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(text);
  if (!match?.[1]) throw new Error(`not a byte size: ${text}`);
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    kib: 1024,
    mb: 1e6,
    mib: 1024 ** 2,
    gb: 1e9,
    gib: 1024 ** 3,
  };
  const bytes = Number(match[1]) * (units[(match[2] ?? "b").toLowerCase()] ?? 1);
  if (!Number.isSafeInteger(Math.round(bytes))) throw new Error(`byte size out of range: ${text}`);
  return Math.round(bytes);
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
