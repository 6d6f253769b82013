/**
 * RFC 9110 §14 byte ranges for artifact downloads. Pure: no I/O.
 *
 * One range per request: `bytes=a-b`, `bytes=a-` and suffix `bytes=-n`. Multiple ranges are refused
 * (416 with a detail saying so) rather than served as multipart/byteranges: clients that want
 * several pieces of a blob fetch them in parallel, one request each. A syntactically bad header is
 * refused the same way instead of silently sending a multi-gigabyte 200.
 */
export type RangeResult =
  | { kind: "full" }
  | { kind: "partial"; offset: number; length: number }
  | { kind: "unsatisfiable"; reason: string };

export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (header === null || header === undefined) return { kind: "full" };
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return { kind: "unsatisfiable", reason: "only byte ranges (bytes=…) are supported" };
  const specs = (match[1] ?? "").split(",");
  if (specs.length > 1) {
    return {
      kind: "unsatisfiable",
      reason: "multiple ranges are not supported; request one range at a time",
    };
  }
  const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(specs[0] ?? "");
  if (!spec || (spec[1] === "" && spec[2] === "")) {
    return { kind: "unsatisfiable", reason: `malformed range '${header}'` };
  }
  const [, first = "", last = ""] = spec;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable", reason: "empty suffix range" };
    const length = Math.min(suffix, size);
    return { kind: "partial", offset: size - length, length };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start)
    return { kind: "unsatisfiable", reason: "range ends before it starts" };
  if (start >= size) return { kind: "unsatisfiable", reason: `range starts at or beyond the size (${size})` };
  return { kind: "partial", offset: start, length: end - start + 1 };
}
