/**
 * Where the tensors of a safetensors file lie, from its header alone: an 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`,
 * then the data, offsets relative to its start. Pure.
 */
import type { Span } from "./bounds";

/** Headers larger than this are refused (the format's own readers cap it at 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

export type HeaderParse =
  | { kind: "ok"; segments: Span[] }
  | { kind: "need"; bytes: number }
  | { kind: "not-this-format" };

/**
 * The file's segments in order: the header, then each tensor's bytes (gaps, if any, are left to the
 * planner). `prefix` is the start of the file; when it is too short, `need` says how much to read.
 */
export function safetensorsSegments(prefix: Uint8Array, fileSize: number): HeaderParse {
  if (prefix.length < 8 || fileSize < 10)
    return prefix.length < 8 ? { kind: "need", bytes: 8 } : { kind: "not-this-format" };
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
    return { kind: "not-this-format" };
  }
  if (prefix.length < 8 + headerLength) return { kind: "need", bytes: 8 + headerLength };
  if (prefix[8] !== 0x7b) return { kind: "not-this-format" }; // '{'
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
        prefix.subarray(8, 8 + headerLength),
      ),
    );
  } catch {
    return { kind: "not-this-format" };
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    return { kind: "not-this-format" };
  const dataStart = 8 + headerLength;
  const tensors: Span[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const offsets = (info as { data_offsets?: unknown })?.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2) return { kind: "not-this-format" };
    const [begin, end] = offsets as [unknown, unknown];
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end)) return { kind: "not-this-format" };
    const b = begin as number;
    const e = end as number;
    if (b < 0 || e < b || dataStart + e > fileSize) return { kind: "not-this-format" };
    if (e > b) tensors.push({ offset: dataStart + b, length: e - b });
  }
  tensors.sort((x, y) => x.offset - y.offset);
  return { kind: "ok", segments: [{ offset: 0, length: dataStart }, ...tensors] };
}
