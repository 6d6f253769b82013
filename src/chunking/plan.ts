/**
 * Turns tensor segments into chunk spans: tensors under `soloBytes` grouped with small neighbours up to
 * `groupBytes`, others in chunks of their own, split into equal pieces of at most `maxBytes`, gaps between segments covered, the whole file
 * covered exactly once. Pure; the same segments and bounds give the same spans on every machine.
 */
import type { ChunkBounds, Span } from "./bounds";

function split(span: Span, maxBytes: number): Span[] {
  const pieces = Math.ceil(span.length / maxBytes);
  const size = Math.ceil(span.length / pieces);
  const out: Span[] = [];
  for (let at = 0; at < span.length; at += size) {
    out.push({ offset: span.offset + at, length: Math.min(size, span.length - at) });
  }
  return out;
}

/** Segments sorted by offset and inside the file; bytes no segment covers become segments too. */
function cover(segments: Span[], fileSize: number): Span[] {
  const out: Span[] = [];
  let at = 0;
  for (const s of [...segments].sort((a, b) => a.offset - b.offset)) {
    const start = Math.max(s.offset, at);
    const end = Math.min(s.offset + s.length, fileSize);
    if (start > at) out.push({ offset: at, length: start - at });
    if (end > start) out.push({ offset: start, length: end - start });
    at = Math.max(at, end);
  }
  if (at < fileSize) out.push({ offset: at, length: fileSize - at });
  return out;
}

export function planTensorChunks(segments: Span[], fileSize: number, bounds: ChunkBounds): Span[] {
  const chunks: Span[] = [];
  let group: Span | null = null;
  for (const s of cover(segments, fileSize)) {
    if (s.length >= bounds.soloBytes) {
      if (group) chunks.push(group);
      group = null;
      chunks.push(...split(s, bounds.maxBytes));
    } else if (group && group.length + s.length <= bounds.groupBytes) {
      group = { offset: group.offset, length: group.length + s.length };
    } else {
      if (group) chunks.push(group);
      group = { ...s };
    }
  }
  if (group) chunks.push(group);
  return chunks;
}

/** Cut offsets (chunk ends) → spans. */
export function spansFromCuts(cuts: number[]): Span[] {
  let at = 0;
  return cuts.map((end) => {
    const span = { offset: at, length: end - at };
    at = end;
    return span;
  });
}
