import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ChunkBounds,
  chunkBytes,
  DEFAULT_BOUNDS,
  GearChunker,
  KiB,
  type Span,
  spansFromCuts,
  tensorLayout,
  validBounds,
} from "../../src/chunking";
import { ggufFile, noise, safetensorsFile } from "../support/tensor-files";

const SMALL: ChunkBounds = {
  soloBytes: 1 * KiB,
  groupBytes: 4 * KiB,
  maxBytes: 16 * KiB,
  cdcMin: 1 * KiB,
  cdcAvg: 4 * KiB,
  cdcMax: 16 * KiB,
};

function expectCover(spans: Span[], size: number) {
  let at = 0;
  for (const s of spans) {
    expect(s.offset).toBe(at);
    expect(s.length).toBeGreaterThan(0);
    at += s.length;
  }
  expect(at).toBe(size);
}

const slices = (bytes: Uint8Array, spans: Span[]) =>
  spans.map((s) => Buffer.from(bytes.subarray(s.offset, s.offset + s.length)).toString("hex"));

describe("content-defined chunking (FastCDC gear hash)", () => {
  it("covers any input exactly, every chunk within bounds but the last", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 * KiB }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (size, seed) => {
          const bytes = noise(size, seed);
          const { layout, spans } = chunkBytes("weights.bin", bytes, SMALL);
          expect(layout).toBe("cdc");
          expectCover(spans, size);
          spans.slice(0, -1).forEach((s) => {
            expect(s.length).toBeGreaterThanOrEqual(SMALL.cdcMin);
            expect(s.length).toBeLessThanOrEqual(SMALL.cdcMax);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("cuts the same bytes at the same places however they are sliced", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        const bytes = noise(80 * KiB, 7);
        const whole = chunkBytes("x.bin", bytes, SMALL).spans;
        const chunker = new GearChunker(SMALL);
        const cuts: number[] = [];
        let at = 0;
        for (const n of sizes) {
          cuts.push(...chunker.update(bytes.subarray(at, Math.min(bytes.length, at + n))));
          at = Math.min(bytes.length, at + n);
        }
        cuts.push(...chunker.update(bytes.subarray(at)), ...chunker.finish());
        expect(spansFromCuts(cuts)).toEqual(whole);
      }),
      { numRuns: 30 },
    );
  });

  it("an insertion in the middle changes only nearby chunks", () => {
    const before = noise(256 * KiB, 11);
    const after = new Uint8Array(before.length + 100);
    after.set(before.subarray(0, 128 * KiB), 0);
    after.set(noise(100, 3), 128 * KiB);
    after.set(before.subarray(128 * KiB), 128 * KiB + 100);
    const a = new Set(slices(before, chunkBytes("a", before, SMALL).spans));
    const b = slices(after, chunkBytes("a", after, SMALL).spans);
    const shared = b.filter((h) => a.has(h)).length;
    expect(shared / b.length).toBeGreaterThan(0.7);
  });

  it("cuts random bytes at about the average the default bounds ask for (4 MiB), not near the minimum", () => {
    // Masks of more than 16 bits once wrapped onto 16 distinct bits: 4 MiB asked, ~1 MiB cut.
    const bytes = noise(64 * 1024 * 1024, 7);
    const c = new GearChunker(DEFAULT_BOUNDS);
    const cuts = [...c.update(bytes), ...c.finish()];
    const mean = bytes.length / cuts.length;
    expect(mean).toBeGreaterThan(0.6 * DEFAULT_BOUNDS.cdcAvg);
    expect(mean).toBeLessThan(1.6 * DEFAULT_BOUNDS.cdcAvg);
  });
});

describe("tensor-aware chunking", () => {
  const tensors = [
    { name: "embed", bytes: noise(40 * KiB, 1) },
    { name: "norm1", bytes: noise(300, 2) },
    { name: "norm2", bytes: noise(500, 3) },
    { name: "layer0", bytes: noise(10 * KiB, 4) },
    { name: "layer1", bytes: noise(10 * KiB, 5) },
  ];

  it("cuts safetensors at tensor boundaries: large split, small grouped, file covered", () => {
    const file = safetensorsFile(tensors);
    const { layout, spans } = chunkBytes("model.safetensors", file, SMALL);
    expect(layout).toBe("safetensors");
    expectCover(spans, file.length);
    for (const s of spans) expect(s.length).toBeLessThanOrEqual(SMALL.maxBytes);
    // embed (40 KiB) split into three equal pieces of at most 16 KiB.
    const chunks = slices(file, spans);
    const embedHex = Buffer.from(tensors[0]?.bytes ?? []).toString("hex");
    expect(chunks.filter((c) => embedHex.includes(c))).toHaveLength(3);
    // header | embed ×3 | norm1+norm2 (800 bytes, grouped) | layer0 | layer1
    expect(spans.length).toBe(1 + 3 + 1 + 1 + 1);
  });

  it("a frozen tensor is the same chunk in a fine-tune that retrained another one", () => {
    const base = safetensorsFile(tensors);
    const tuned = safetensorsFile(
      tensors.map((t) => (t.name === "layer1" ? { ...t, bytes: noise(10 * KiB, 99) } : t)),
    );
    const a = slices(base, chunkBytes("m.safetensors", base, SMALL).spans);
    const b = slices(tuned, chunkBytes("m.safetensors", tuned, SMALL).spans);
    const changed = b.filter((h) => !a.includes(h));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toBe(Buffer.from(tuned.subarray(tuned.length - 10 * KiB)).toString("hex"));
  });

  it("cuts GGUF files at tensor boundaries read from the header", () => {
    const file = ggufFile(tensors);
    const { layout, spans } = chunkBytes("model.gguf", file, SMALL);
    expect(layout).toBe("gguf");
    expectCover(spans, file.length);
    const tuned = ggufFile(
      tensors.map((t) => (t.name === "embed" ? { ...t, bytes: noise(40 * KiB, 98) } : t)),
    );
    const a = slices(file, spans);
    const b = slices(tuned, chunkBytes("model.gguf", tuned, SMALL).spans);
    // Only the three pieces of the retrained embedding differ.
    expect(b.filter((h) => !a.includes(h))).toHaveLength(3);
  });

  it("asks for a longer prefix when the header is cut off, and falls back to CDC on garbage", () => {
    const file = safetensorsFile(tensors);
    const asked = tensorLayout("m.safetensors", file.subarray(0, 20), file.length, SMALL);
    expect(asked.kind).toBe("need");
    const garbage = noise(50 * KiB, 5);
    expect(chunkBytes("m.safetensors", garbage, SMALL).layout).toBe("cdc");
    expect(chunkBytes("m.gguf", garbage, SMALL).layout).toBe("cdc");
  });

  it("keeps the default bounds within the single-PUT limit", () => {
    expect(validBounds(DEFAULT_BOUNDS)).toBe(true);
    expect(validBounds({ ...DEFAULT_BOUNDS, maxBytes: 200 * 1024 * KiB })).toBe(false);
  });
});
