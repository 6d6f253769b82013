import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "./support/cli-proxy";
import { cli, MiB, MULTIPART, removeTempDirs, spawnCli, tempDir } from "./support/cli-run";
import { client, startTestRegistry, type TestRegistry } from "./support/server";

describe("registry push survives interruptions (real server behind a fault-injecting proxy)", () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let cache: string;
  const run = (args: string[], url = registry.url) => cli(url, registry.token, cache, ["--json", ...args]);

  beforeAll(async () => {
    registry = await startTestRegistry();
    proxy = await startFaultProxy(registry.url);
    cache = tempDir("cli-cache-");
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    removeTempDirs();
  });

  it("an interrupted multipart push resumes: only the missing parts are sent", async () => {
    const dir = tempDir("cli-resume-");
    const bytes = randomBytes(12 * MiB + 7);
    writeFileSync(join(dir, "big.bin"), bytes);
    proxy.reset({ partsAllowed: 1 });
    const cut = await run(["push", "cli-resume", dir, ...MULTIPART, "--parallel", "3"], proxy.url);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(
      /^error: PUT \/uploads\/upl_[^/]+\/parts\/\d: fetch failed \([^)]+\) \[NETWORK\]$/m,
    );
    const saved = readdirSync(join(cache, "uploads"));
    expect(saved).toHaveLength(1);
    const state = JSON.parse(readFileSync(join(cache, "uploads", saved[0] as string), "utf8"));
    const upload = await (await client(registry)("GET", `/api/v1/uploads/${state.upload_id}`)).json();
    expect(upload).toMatchObject({ state: "open", part_count: 3, parts: [expect.any(Number)] });

    proxy.reset();
    const resumed = await run(["push", "cli-resume", dir, ...MULTIPART], proxy.url);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ version: 1, parts_resumed: 1, parts_sent: 2 });
    expect(
      proxy.seen.filter((r) => r.startsWith("POST /api/v1/uploads") && !r.endsWith("/complete")),
    ).toEqual([]);
    expect(proxy.seen.filter((r) => /^PUT .*\/parts\//.test(r))).toHaveLength(2);
    expect(readdirSync(join(cache, "uploads"))).toEqual([]);

    const dest = join(tempDir("cli-pull-"), "out");
    expect((await run(["pull", "cli-resume/1", dest])).code).toBe(0);
    expect(readFileSync(join(dest, "big.bin")).equals(bytes)).toBe(true);
  });

  it("a push killed mid-multipart (SIGKILL) resumes from the parts the server already has", async () => {
    const dir = tempDir("cli-crash-");
    const bytes = randomBytes(16 * MiB + 3);
    writeFileSync(join(dir, "weights.bin"), bytes);
    proxy.reset({ partsBeforeHang: 2 });
    const { child, result } = spawnCli(proxy.url, registry.token, cache, [
      "--json",
      "push",
      "cli-crash",
      dir,
      ...MULTIPART,
      "--parallel",
      "2",
    ]);
    while (proxy.partsDone < 2) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    expect((await result).code).toBe(-1);

    proxy.reset();
    const resumed = await run(["push", "cli-crash", dir, ...MULTIPART], proxy.url);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ version: 1, parts_resumed: 2, parts_sent: 2 });
    const dest = join(tempDir("cli-pull-"), "out");
    expect((await run(["pull", "cli-crash@latest", dest])).code).toBe(0);
    expect(readFileSync(join(dest, "weights.bin")).equals(bytes)).toBe(true);
  });

  it("a completion whose answer is lost is confirmed from the upload's state, not failed or redone", async () => {
    const dir = tempDir("cli-lost-");
    writeFileSync(join(dir, "big.bin"), randomBytes(10 * MiB + 1));
    proxy.reset({ dropCompleteAnswers: 1 });
    const pushed = await run(["push", "cli-lost", dir, ...MULTIPART], proxy.url);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ version: 1, parts_sent: 3 });
    // The retry either finds the upload completed or, if it lands while the server is still
    // verifying, gets 409 and waits for the state to settle; this run cannot force the second case.
    const completes = proxy.seen.filter((r) => r.endsWith("/complete"));
    const polls = proxy.seen.filter((r) => /^GET \/api\/v1\/uploads\/upl_/.test(r));
    expect(completes.length + polls.length).toBeGreaterThanOrEqual(2);
  });
});
