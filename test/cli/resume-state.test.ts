import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cacheDir, clearState, loadState, saveState, stateFile } from "../../src/cli/resume-state";

const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const digest = `sha256:${"c".repeat(64)}`;

describe("resume state", () => {
  it("round-trips an upload id keyed by registry and digest, and forgets it when cleared", async () => {
    const dir = tempDir("cli-state-");
    const state = { url: "http://a", digest, size: 10, upload_id: "up_1", part_size: 5 };
    expect(await loadState(dir, "http://a", digest)).toBeNull();
    await saveState(dir, state);
    expect(await loadState(dir, "http://a", digest)).toEqual(state);
    expect(await loadState(dir, "http://b", digest)).toBeNull();
    expect(await loadState(dir, "http://a", `sha256:${"d".repeat(64)}`)).toBeNull();
    await clearState(dir, "http://a", digest);
    expect(await loadState(dir, "http://a", digest)).toBeNull();
  });

  it("ignores a state file whose content names other bytes", async () => {
    const dir = tempDir("cli-state-");
    await saveState(dir, { url: "http://a", digest, size: 10, upload_id: "up_1", part_size: 5 });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      stateFile(dir, "http://a", digest),
      JSON.stringify({ url: "http://a", digest: "sha256:x" }),
    );
    expect(await loadState(dir, "http://a", digest)).toBeNull();
    writeFileSync(stateFile(dir, "http://a", digest), "not json");
    expect(await loadState(dir, "http://a", digest)).toBeNull();
  });

  it("lives under REGISTRY_CACHE_DIR, XDG_CACHE_HOME or ~/.cache", () => {
    expect(cacheDir({ REGISTRY_CACHE_DIR: "/x" })).toBe("/x");
    expect(cacheDir({ XDG_CACHE_HOME: "/xdg" })).toBe("/xdg/model-registry");
    expect(cacheDir({})).toMatch(/\.cache\/model-registry$/);
  });
});
