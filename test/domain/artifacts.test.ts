import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ARTIFACT_LIMITS, expectedPartSize, MiB, planParts, reprDigest } from "../../src/domain/artifacts";
import { parseRange } from "../../src/domain/byte-range";

describe("part planning", () => {
  it("cuts 1 GiB into 64 parts of 16 MiB by default", () => {
    expect(planParts(1024 * MiB)).toEqual({ partSize: 16 * MiB, partCount: 64 });
  });

  it("keeps every part within R2's rules and the Workers body limit, for any size and wish", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: ARTIFACT_LIMITS.maxBlobBytes }),
        fc.option(
          fc.integer({ min: ARTIFACT_LIMITS.minPartBytes, max: ARTIFACT_LIMITS.maxRequestBodyBytes }),
        ),
        (size, wish) => {
          const plan = planParts(size, wish ?? undefined);
          expect(plan.partCount).toBeLessThanOrEqual(ARTIFACT_LIMITS.maxParts);
          expect(plan.partSize).toBeLessThanOrEqual(ARTIFACT_LIMITS.maxRequestBodyBytes);
          if (plan.partCount > 1) expect(plan.partSize).toBeGreaterThanOrEqual(ARTIFACT_LIMITS.minPartBytes);
          let total = 0;
          for (let n = 1; n <= plan.partCount; n++) {
            const part = expectedPartSize(size, plan, n) ?? -1;
            expect(part).toBeGreaterThan(0);
            if (n < plan.partCount) expect(part).toBe(plan.partSize);
            else expect(part).toBeLessThanOrEqual(plan.partSize);
            total += part;
          }
          expect(total).toBe(size);
          expect(expectedPartSize(size, plan, 0)).toBeNull();
          expect(expectedPartSize(size, plan, plan.partCount + 1)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("writes Repr-Digest as RFC 9530 base64", () => {
    // SHA-256 of the empty string.
    const hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    expect(reprDigest(hex)).toBe("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  });
});

describe("byte ranges", () => {
  it.each([
    [null, 100, { kind: "full" }],
    ["bytes=0-0", 100, { kind: "partial", offset: 0, length: 1 }],
    ["bytes=99-", 100, { kind: "partial", offset: 99, length: 1 }],
    ["bytes=-1", 100, { kind: "partial", offset: 99, length: 1 }],
    ["bytes=-500", 100, { kind: "partial", offset: 0, length: 100 }],
    ["bytes=10-1000", 100, { kind: "partial", offset: 10, length: 90 }],
    ["Bytes = 5 - 9", 100, { kind: "partial", offset: 5, length: 5 }],
  ] as const)("%s of %d bytes", (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it.each([
    ["bytes=100-", 100],
    ["bytes=5-4", 100],
    ["bytes=-0", 100],
    ["bytes=0-0", 0],
    ["bytes=-5", 0],
    ["bytes=0-1,2-3", 100],
    ["bytes=", 100],
    ["bytes=x-y", 100],
    ["chars=0-1", 100],
    ["bytes=1.5-2", 100],
  ])("refuses %s of %d bytes", (header, size) => {
    expect(parseRange(header, size).kind).toBe("unsatisfiable");
  });

  it("every satisfiable range lies inside the blob", () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(20_000), fc.nat(20_000), fc.boolean(), (size, a, b, suffix) => {
        const r = parseRange(suffix ? `bytes=-${a}` : `bytes=${a}-${b}`, size);
        if (r.kind === "partial") {
          expect(r.offset).toBeGreaterThanOrEqual(0);
          expect(r.length).toBeGreaterThan(0);
          expect(r.offset + r.length).toBeLessThanOrEqual(size);
        }
      }),
    );
  });
});
