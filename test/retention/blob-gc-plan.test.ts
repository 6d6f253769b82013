/**
 * Blob GC decisions as a property: a referenced blob is never deleted, nothing is deleted before
 * both grace clocks ran out, and applying a plan then planning again at the same instant deletes
 * and marks nothing. A GC that forgets the reference check must be caught.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BLOB_GC_GRACE_MS, planBlobGc, type StoredBlob } from "../../src/domain/blob-gc-plan";

const NOW = Date.UTC(2026, 10, 26);
const hexArb = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => i.toString(16).padStart(64, "0")));
const timeArb = fc.integer({ min: NOW - 3 * BLOB_GC_GRACE_MS, max: NOW });

const stateArb = fc.record({
  stored: fc.uniqueArray(
    fc.record({ hex: hexArb, size: fc.integer({ min: 0, max: 1e9 }), uploadedAt: timeArb }),
    { selector: (b) => b.hex, maxLength: 12 },
  ),
  referenced: fc.uniqueArray(hexArb, { maxLength: 12 }),
  marks: fc.uniqueArray(fc.tuple(hexArb, timeArb), { selector: ([h]) => h, maxLength: 12 }),
});

type Gc = typeof planBlobGc;

function gcProperty(gc: Gc) {
  return fc.property(stateArb, ({ stored, referenced, marks }) => {
    const refs = new Set(referenced);
    const clocks = new Map(marks);
    const plan = gc(stored, refs, clocks, NOW);
    for (const d of plan.delete) {
      const blob = stored.find((b) => b.hex === d.hex) as StoredBlob;
      if (refs.has(d.hex)) return false;
      if (NOW - blob.uploadedAt < BLOB_GC_GRACE_MS) return false;
      if (NOW - (clocks.get(d.hex) ?? NOW) < BLOB_GC_GRACE_MS) return false;
    }
    // Apply: delete, mark, unmark; then plan again at the same instant.
    const gone = new Set(plan.delete.map((d) => d.hex));
    const left = stored.filter((b) => !gone.has(b.hex));
    const next = new Map(clocks);
    for (const m of plan.mark) next.set(m.hex, NOW);
    for (const h of [...plan.unmark, ...gone]) next.delete(h);
    const again = gc(left, refs, next, NOW);
    return again.delete.length === 0 && again.mark.length === 0 && again.unmark.length === 0;
  });
}

describe("blob GC plan (pure)", () => {
  it("never deletes a referenced or young blob, and is a fixpoint", () => {
    fc.assert(gcProperty(planBlobGc), { numRuns: 3000 });
  });

  it("catches a GC that ignores references", () => {
    const broken: Gc = (stored, _refs, marks, now) => planBlobGc(stored, new Set(), marks, now);
    expect(fc.check(gcProperty(broken), { numRuns: 3000 }).failed).toBe(true);
  });

  it("catches a GC that ignores the grace period", () => {
    const broken: Gc = (stored, refs, marks, now) => planBlobGc(stored, refs, marks, now, 0);
    expect(fc.check(gcProperty(broken), { numRuns: 3000 }).failed).toBe(true);
  });
});
