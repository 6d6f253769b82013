import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { safeJoin, toManifestPath } from "../../src/cli/paths";
import { parseRef, refPath } from "../../src/cli/ref";
import {
  buildVersionBody,
  idempotencyKeyFor,
  mediaTypeFor,
  parseDataset,
  parseMetrics,
} from "../../src/cli/version-body";
import { listFiles } from "../../src/cli/walk";

const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe("manifest paths", () => {
  it("turns OS paths into relative POSIX paths", () => {
    expect(toManifestPath("weights/model.bin", "/")).toBe("weights/model.bin");
    expect(toManifestPath("./a/./b.txt", "/")).toBe("a/b.txt");
    expect(toManifestPath("weights\\model.bin", "\\")).toBe("weights/model.bin");
    expect(toManifestPath("mixed/sep\\file", "\\")).toBe("mixed/sep/file");
  });

  it("refuses names the server would refuse, naming the file", () => {
    expect(() => toManifestPath("a\\b", "/")).toThrow(/backslash/);
    expect(() => toManifestPath("../escape", "/")).toThrow(/escapes/);
    expect(() => toManifestPath("bad\u0000name", "/")).toThrow(/control/);
    expect(() => toManifestPath("x".repeat(256), "/")).toThrow(/segment/);
    expect(() => toManifestPath(`${"d/".repeat(600)}f`, "/")).toThrow(/longer than 1024/);
  });

  it("a pull never writes outside its directory, whatever the server sends", () => {
    expect(safeJoin("/tmp/out", "a/b.bin", "/")).toBe("/tmp/out/a/b.bin");
    for (const bad of ["../x", "/etc/passwd", "a//b", "a/./b", "a/../../x", "a\\..\\x", "nul\u0000", ""]) {
      expect(() => safeJoin("/tmp/out", bad, "/"), bad).toThrow(/unsafe path/);
    }
  });
});

describe("walking the pushed path", () => {
  it("lists nested files sorted by manifest path, follows symlinks, survives a link cycle", async () => {
    const root = tempDir("cli-walk-");
    mkdirSync(join(root, "weights", "shards"), { recursive: true });
    writeFileSync(join(root, "weights", "shards", "1.bin"), "one");
    writeFileSync(join(root, "config.json"), "{}");
    writeFileSync(join(root, "README.md"), "# m");
    symlinkSync(join(root, "config.json"), join(root, "alias.json"));
    symlinkSync(root, join(root, "weights", "loop"));
    const files = await listFiles(root);
    expect(files.map((f) => f.path)).toEqual([
      "README.md",
      "alias.json",
      "config.json",
      "weights/shards/1.bin",
    ]);
    expect(files.find((f) => f.path === "weights/shards/1.bin")?.size).toBe(3);
  });

  it("a single file is pushed under its base name; an empty directory is an error", async () => {
    const root = tempDir("cli-walk-");
    writeFileSync(join(root, "model.onnx"), "x");
    expect((await listFiles(join(root, "model.onnx"))).map((f) => f.path)).toEqual(["model.onnx"]);
    mkdirSync(join(root, "empty"));
    await expect(listFiles(join(root, "empty"))).rejects.toThrow(/no files/);
  });
});

describe("the version body", () => {
  it("parses dataset references: uri, @version, #digest, and an @ inside the authority", () => {
    expect(parseDataset("s3://data/txn")).toEqual({ uri: "s3://data/txn" });
    expect(parseDataset("s3://data/txn@2026-01")).toEqual({ uri: "s3://data/txn", version: "2026-01" });
    expect(parseDataset(`s3://data/txn@v2#${digest("a")}`)).toEqual({
      uri: "s3://data/txn",
      version: "v2",
      digest: digest("a"),
    });
    expect(parseDataset("https://user@host/data")).toEqual({ uri: "https://user@host/data" });
    expect(() => parseDataset("s3://x#sha256:nothex")).toThrow(/digest/);
    expect(() => parseDataset("@v1")).toThrow(/needs a URI/);
  });

  it("metrics must be finite numbers", () => {
    expect(parseMetrics(["auc=0.97", "loss=1e-3"])).toEqual({ auc: 0.97, loss: 0.001 });
    for (const bad of ["auc=high", "auc=", "auc=Infinity", "noequals", "=1"]) {
      expect(() => parseMetrics([bad]), bad).toThrow();
    }
  });

  it("builds the body with sorted files and only the sections given", () => {
    const files = [
      { path: "z.bin", digest: digest("b"), size: 2, media_type: "application/octet-stream" },
      { path: "a.json", digest: digest("a"), size: 1, media_type: "application/json" },
    ];
    const body = buildVersionBody(files, {
      metric: ["auc=0.97"],
      param: ["lr=0.1", "expr=a=b"],
      commit: "abc123",
      runId: "r-1",
      dataset: ["s3://d@1"],
      signature: { inputs: [{ name: "amount", type: "double" }] },
    });
    expect(body).toEqual({
      files: [files[1], files[0]],
      metrics: { auc: 0.97 },
      params: { lr: "0.1", expr: "a=b" },
      datasets: [{ uri: "s3://d", version: "1" }],
      source: { code_commit: "abc123", run_id: "r-1" },
      signature: { inputs: [{ name: "amount", type: "double" }] },
    });
    expect(mediaTypeFor("model.onnx")).toBe("application/onnx");
    expect(mediaTypeFor("weights.safetensors")).toBe("application/octet-stream");
  });

  it("the idempotency key is stable for the same push and changes with the model, files or metadata", () => {
    const files = [{ path: "m.bin", digest: digest("a"), size: 1, media_type: "application/octet-stream" }];
    const key = idempotencyKeyFor("m", buildVersionBody(files, { metric: ["auc=0.9"] }));
    expect(key).toMatch(/^push-[0-9a-f]{64}$/);
    expect(idempotencyKeyFor("m", buildVersionBody([...files], { metric: ["auc=0.9"] }))).toBe(key);
    expect(idempotencyKeyFor("other", buildVersionBody(files, { metric: ["auc=0.9"] }))).not.toBe(key);
    expect(idempotencyKeyFor("m", buildVersionBody(files, { metric: ["auc=0.91"] }))).not.toBe(key);
    const otherFiles = [{ ...files[0], digest: digest("b") }] as typeof files;
    expect(idempotencyKeyFor("m", buildVersionBody(otherFiles, { metric: ["auc=0.9"] }))).not.toBe(key);
  });
});

describe("model references", () => {
  it("parses NAME@ALIAS, NAME/VERSION and NAME", () => {
    expect(parseRef("fraud@champion")).toEqual({ name: "fraud", alias: "champion" });
    expect(parseRef("fraud/12")).toEqual({ name: "fraud", version: 12 });
    expect(parseRef("fraud")).toEqual({ name: "fraud", alias: "latest" });
    expect(refPath(parseRef("fraud/3"))).toBe("/models/fraud/versions/3");
    expect(refPath(parseRef("fraud@champion"))).toBe("/models/fraud/aliases/champion");
    for (const bad of ["fraud/0", "fraud/x", "../x@y", "fraud@", "fraud@a/b", "@x"]) {
      expect(() => parseRef(bad), bad).toThrow();
    }
  });
});
