import { describe, expect, it } from "vitest";
import { driftReason, driftTransition, followedAlias, isStale } from "../../src/domain/drift";
import { resolutionEtag } from "../../src/domain/resolution";

const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;

describe("drift rules", () => {
  it("judges integrity before the version: a wrong digest on the right version is digest_mismatch", () => {
    const base = { reportedVersion: 3, reportedDigest: D1, versionDigest: D1, expectedVersion: 3 };
    expect(driftReason(base)).toBeNull();
    expect(driftReason({ ...base, reportedDigest: D2 })).toBe("digest_mismatch");
    expect(driftReason({ ...base, reportedDigest: D2, expectedVersion: 5 })).toBe("digest_mismatch");
    expect(driftReason({ ...base, versionDigest: null })).toBe("unknown_version");
    expect(driftReason({ ...base, expectedVersion: null })).toBe("no_target");
    expect(driftReason({ ...base, expectedVersion: 5 })).toBe("version_mismatch");
  });

  it("only the edges of an episode are transitions", () => {
    expect(driftTransition(null, null)).toBeNull();
    expect(driftTransition(null, "version_mismatch")).toBe("started");
    expect(driftTransition("version_mismatch", "version_mismatch")).toBeNull();
    expect(driftTransition("version_mismatch", "digest_mismatch")).toBeNull();
    expect(driftTransition("digest_mismatch", null)).toBe("resolved");
  });

  it("a node follows its reported alias, else its environment's name", () => {
    expect(followedAlias({ environment: "production" })).toBe("production");
    expect(followedAlias({ environment: "production", alias: "champion" })).toBe("champion");
  });

  it("stale means silent for longer than the threshold", () => {
    expect(isStale(0, 600_000, 600)).toBe(false);
    expect(isStale(0, 600_001, 600)).toBe(true);
  });

  it("the resolution ETag is strong and changes with the manifest or the version", () => {
    const tag = resolutionEtag(D1, 3);
    expect(tag).toBe(`"${"1".repeat(64)}.3"`);
    expect(resolutionEtag(D1, 4)).not.toBe(tag);
    expect(resolutionEtag(D2, 3)).not.toBe(tag);
  });
});
