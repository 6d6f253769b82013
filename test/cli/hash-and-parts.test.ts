import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { digestHex, hashBytes, hashFile } from "../../src/cli/hash";
import { formatBytes, missingParts, parseBytes, planParts } from "../../src/cli/parts";
import { runPool } from "../../src/cli/pool";

const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe("streaming SHA-256", () => {
  it("matches the known digest of 'abc' and of an empty file", async () => {
    const dir = tempDir("cli-hash-");
    writeFileSync(join(dir, "abc"), "abc");
    writeFileSync(join(dir, "empty"), "");
    expect(await hashFile(join(dir, "abc"))).toEqual({
      digest: "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      size: 3,
    });
    expect((await hashFile(join(dir, "empty"))).digest).toBe(
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("hashes a multi-chunk file like a one-shot hash, reporting every byte to the progress callback", async () => {
    const dir = tempDir("cli-hash-");
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(join(dir, "big"), bytes);
    let seen = 0;
    const result = await hashFile(join(dir, "big"), (n) => {
      seen += n;
    });
    expect(result.digest).toBe(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    expect(result.digest).toBe(hashBytes(bytes));
    expect(seen).toBe(bytes.length);
  });

  it("refuses anything but a sha256 digest before it reaches a URL", () => {
    expect(digestHex(`sha256:${"a".repeat(64)}`)).toBe("a".repeat(64));
    for (const bad of [
      "sha256:../../x",
      `sha256:${"A".repeat(64)}`,
      `md5:${"a".repeat(32)}`,
      "a".repeat(64),
    ]) {
      expect(() => digestHex(bad)).toThrow(/not a sha256 digest/);
    }
  });
});

describe("part planning", () => {
  it("splits into equal parts with a shorter last part, covering every byte exactly once", () => {
    const plan = planParts(12 * 1024 * 1024 + 5, 5 * 1024 * 1024);
    expect(plan.map((p) => p.number)).toEqual([1, 2, 3]);
    expect(plan.map((p) => p.length)).toEqual([5 * 1024 * 1024, 5 * 1024 * 1024, 2 * 1024 * 1024 + 5]);
    for (const [i, p] of plan.entries()) {
      expect(p.end - p.start + 1).toBe(p.length);
      if (i > 0) expect(p.start).toBe((plan[i - 1]?.end ?? -2) + 1);
    }
    expect(plan.at(-1)?.end).toBe(12 * 1024 * 1024 + 4);
  });

  it("an exact multiple has no empty trailing part; a zero-byte file is one empty part", () => {
    expect(planParts(10, 5).map((p) => p.length)).toEqual([5, 5]);
    expect(planParts(0, 5)).toEqual([{ number: 1, start: 0, end: -1, length: 0 }]);
    expect(() => planParts(10, 0)).toThrow();
    expect(() => planParts(-1, 5)).toThrow();
  });

  it("resuming sends only the parts the server does not list", () => {
    const plan = planParts(50, 10);
    expect(missingParts(plan, [1, 3, 5]).map((p) => p.number)).toEqual([2, 4]);
    expect(missingParts(plan, [])).toHaveLength(5);
    expect(missingParts(plan, [1, 2, 3, 4, 5])).toEqual([]);
  });

  it("parses and prints byte sizes", () => {
    expect(parseBytes("16MiB")).toBe(16 * 1024 * 1024);
    expect(parseBytes("5 MB")).toBe(5_000_000);
    expect(parseBytes("1048576")).toBe(1048576);
    expect(parseBytes("1.5GiB")).toBe(1.5 * 1024 ** 3);
    expect(() => parseBytes("lots")).toThrow(/not a byte size/);
    expect(() => parseBytes("-5MB")).toThrow();
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(12 * 1024 * 1024)).toBe("12.0 MiB");
  });
});

describe("runPool", () => {
  it("keeps at most `limit` tasks in flight and runs every item", async () => {
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      done.push(n);
      active--;
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("rethrows the first failure and starts no new task after it", async () => {
    const started: number[] = [];
    await expect(
      runPool([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error("part 2 failed");
      }),
    ).rejects.toThrow("part 2 failed");
    expect(started).toEqual([1, 2]);
  });
});
