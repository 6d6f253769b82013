/**
 * The `registry` command: push a directory or file as a new model version, pull a version back,
 * list models and versions. Built on commander (parsing, help) and cli-progress (bars).
 */

import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Command, InvalidArgumentError, Option } from "commander";
import { exportArchive } from "./archive/export";
import { restoreArchive } from "./archive/restore";
import { type Connection, RegistryError } from "./http";
import { modelsTable, versionsTable } from "./list";
import { type ImportSummary, importMlflow } from "./mlflow/import";
import { parseBytes } from "./parts";
import { pull } from "./pull";
import { push } from "./push";
import { parseRef } from "./ref";
import { cacheDir } from "./resume-state";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const positiveInt = (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError("must be an integer 1..64");
  return n;
};
const bytes = (text: string) => {
  try {
    return parseBytes(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

interface Globals {
  url: string;
  token?: string;
  json?: boolean;
  progress: boolean;
}

function connection(program: Command): Connection {
  const { url, token } = program.opts<Globals>();
  return { url, ...(token ? { token } : {}) };
}

/** Bars only on an interactive terminal, and never with --json (machine output stays clean). */
function showProgress(program: Command): boolean {
  const g = program.opts<Globals>();
  return g.progress && !g.json && process.stderr.isTTY === true;
}

function print(program: Command, human: string, machine: unknown): void {
  process.stdout.write(`${program.opts<Globals>().json ? JSON.stringify(machine) : human}\n`);
}

export function buildProgram(): Command {
  const program = new Command("registry")
    .description("Command-line client for the edge model registry")
    .addOption(
      new Option("--url <url>", "registry base URL").env("REGISTRY_URL").default("http://localhost:8787"),
    )
    .addOption(new Option("--token <token>", "bearer token").env("REGISTRY_TOKEN"))
    .version(packageVersion())
    .option("--json", "print a JSON result instead of text")
    .option("--no-progress", "no progress bars")
    .showHelpAfterError();
  const defaultParallel = Math.min(8, Math.max(4, availableParallelism()));

  program
    .command("push")
    .description("push a directory or file as a new version of NAME (uploads only missing blobs)")
    .argument("<name>", "model name (created if it does not exist)")
    .argument("<path>", "directory or file")
    .option("--metric <k=v>", "metric (repeatable)", collect)
    .option("--param <k=v>", "parameter (repeatable)", collect)
    .option("--tag <k=v>", "version tag (repeatable)", collect)
    .option("--dataset <uri[@version][#sha256:hex]>", "dataset reference (repeatable)", collect)
    .option("--commit <sha>", "code commit")
    .option("--repo <url>", "code repository")
    .option("--run-id <id>", "training run id")
    .option("--experiment-id <id>", "experiment id")
    .option("--trained-by <who>", "who trained it")
    .option("--source-uri <uri>", "where the model came from, e.g. runs:/r-42/model")
    .option("--description <text>", "version description")
    .option("--alias <alias>", "point this alias at the new version")
    .option("--signature <file>", "model signature, MLflow's JSON form {inputs, outputs}", jsonObjectFile)
    .option("--parallel <n>", "parallel uploads / parts", positiveInt, defaultParallel)
    .option(
      "--multipart-threshold <size>",
      "files this large or larger go multipart",
      bytes,
      16 * 1024 * 1024,
    )
    .option(
      "--chunk-threshold <size>",
      "files this large or larger are stored in chunks: only changed tensors/chunks are uploaded",
      bytes,
      8 * 1024 * 1024,
    )
    .option("--chunk-size <size>", "largest chunk, up to 95MiB (default 16MiB)", bytes, 16 * 1024 * 1024)
    .option("--no-chunks", "never chunk; large files go multipart as one blob")
    .option("--part-size <size>", "multipart part size, 5MiB..95MiB (default: the server's, 16MiB)", bytes)
    .option("--idempotency-key <key>", "override the key derived from model + manifest + metadata")
    .action(async (name: string, path: string, o) => {
      const report = await push(connection(program), name, path, {
        flags: o,
        alias: o.alias,
        multipartThreshold: o.multipartThreshold,
        chunkThreshold: o.chunks === false ? null : o.chunkThreshold,
        chunkSize: o.chunkSize,
        partSize: o.partSize,
        parallel: o.parallel,
        cacheDir: cacheDir(),
        progress: showProgress(program),
        idempotencyKey: o.idempotencyKey,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const human = [
        `${report.replayed ? "already registered as" : "registered"} ${report.name} version ${report.version} (${report.manifest_digest})`,
        `files: ${report.files}, uploaded: ${report.uploaded_files} (${report.uploaded_bytes} bytes), already present: ${report.skipped_files}` +
          (report.parts_resumed ? `, resumed parts: ${report.parts_resumed}` : ""),
        ...(report.alias ? [`alias ${report.alias} -> ${report.version}`] : []),
      ].join("\n");
      print(program, human, report);
    });

  program
    .command("pull")
    .description("download a version into DIR, verifying every file's SHA-256")
    .argument("<ref>", "NAME@ALIAS, NAME/VERSION or NAME (latest)")
    .argument("<dir>", "destination directory (must not exist or be empty, unless --force)")
    .option("--parallel <n>", "parallel downloads", positiveInt, defaultParallel)
    .option("--force", "replace a non-empty DIR")
    .option("--cache <dir>", "chunk cache: download only chunks not already in it (kept across pulls)")
    .action(async (ref: string, dir: string, o) => {
      const report = await pull(connection(program), parseRef(ref), dir, {
        parallel: o.parallel,
        progress: showProgress(program),
        force: o.force === true,
        cacheDir: o.cache,
      });
      print(
        program,
        `pulled ${report.name} version ${report.version}: ${report.files} files, ${report.bytes} bytes verified -> ${report.dir}` +
          (o.cache
            ? ` (downloaded ${report.bytes_downloaded}, reused ${report.bytes_reused} from the cache)`
            : ""),
        report,
      );
    });

  program
    .command("models")
    .description("list models")
    .option("--limit <n>", "at most this many", (t) => positiveIntAny(t), 100)
    .action(async (o) => print(program, await modelsTable(connection(program), o.limit), null));

  program
    .command("versions")
    .description("list a model's versions, newest first")
    .argument("<name>", "model name")
    .option("--limit <n>", "at most this many", (t) => positiveIntAny(t), 100)
    .action(async (name: string, o) =>
      print(program, await versionsTable(connection(program), name, o.limit), null),
    );

  program
    .command("import-mlflow")
    .description(
      "copy registered models, versions (same numbers), runs' metrics/params/datasets, aliases and artifacts from an MLflow server (admin token; safe to re-run)",
    )
    .requiredOption("--from <url>", "MLflow tracking/registry server, e.g. http://mlflow:5000")
    .addOption(
      new Option("--from-token <token>", "bearer token for the MLflow server").env("MLFLOW_TRACKING_TOKEN"),
    )
    .option("--models <glob>", "only models whose name matches (* and ?)")
    .option("--dry-run", "list what would be copied; write nothing")
    .option("--parallel <n>", "parallel downloads / uploads", positiveInt, defaultParallel)
    .action(async (o) => {
      const summary = await importMlflow(
        connection(program),
        { url: o.from, ...(o.fromToken ? { token: o.fromToken } : {}) },
        {
          ...(o.models ? { models: o.models } : {}),
          dryRun: o.dryRun === true,
          progress: showProgress(program),
          parallel: o.parallel,
          multipartThreshold: 16 * 1024 * 1024,
          cacheDir: cacheDir(),
          log: (line) => process.stderr.write(`${line}\n`),
        },
      );
      print(program, importReport(summary), summary);
      if (summary.models.failed + summary.versions.failed > 0) process.exitCode = 1;
    });

  program
    .command("export")
    .description(
      "write every model (metadata, audit chains, policies), webhooks (no secrets) and blobs to one archive (admin)",
    )
    .requiredOption("--out <file>", "the archive to write (tar)")
    .option("--models <glob>", "only models whose name matches (* and ?)")
    .action(async (o) => {
      const s = await exportArchive(connection(program), o.out, {
        ...(o.models ? { models: o.models } : {}),
        progress: showProgress(program),
      });
      print(
        program,
        `exported ${s.models} models, ${s.versions} versions, ${s.audit_entries} audit entries, ${s.webhooks} webhooks, ${s.blobs} blobs (${s.blob_bytes} bytes) -> ${s.file}`,
        s,
      );
    });

  program
    .command("import")
    .description("restore an archive written by `registry export` into an empty registry (admin)")
    .argument("<file>", "the archive")
    .option("--parallel <n>", "parallel parts for large blobs", positiveInt, defaultParallel)
    .action(async (file: string, o) => {
      const s = await restoreArchive(connection(program), file, {
        progress: showProgress(program),
        parallel: o.parallel,
        cacheDir: cacheDir(),
      });
      const hooks = s.webhooks.map((h) => `\n  webhook ${h.id} ${h.url}: new secret ${h.secret}`).join("");
      print(
        program,
        `restored ${s.models} models, ${s.versions} versions, ${s.blobs} blobs (${s.blobs_uploaded} uploaded) from ${s.file}${hooks}`,
        s,
      );
    });

  return program;
}

function importReport(s: ImportSummary): string {
  const lines = [
    `${s.dry_run ? "would import" : "imported"} from ${s.from}:`,
    `  models:   ${s.models.total} (created ${s.models.created}, already here ${s.models.already_present}, failed ${s.models.failed})`,
    `  versions: ${s.versions.total} (${s.dry_run ? "to copy" : "imported"} ${s.versions.imported}, already here ${s.versions.already_present}, failed ${s.versions.failed})`,
    `  aliases set: ${s.aliases_set}; bytes listed ${s.bytes.listed}, downloaded ${s.bytes.downloaded}, uploaded ${s.bytes.uploaded}`,
  ];
  if (s.not_copied.length > 0) {
    lines.push(`not copied (${s.not_copied.length}):`);
    for (const n of s.not_copied) {
      lines.push(`  ${n.model}${n.version ? ` v${n.version}` : ""} ${n.what}: ${n.why}`);
    }
  }
  return lines.join("\n");
}

function packageVersion(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function positiveIntAny(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

/** A JSON object from a file (`--signature`); anything else is a usage error. */
function jsonObjectFile(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InvalidArgumentError(`${path}: ${(error as Error).message}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidArgumentError(`${path}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Runs the CLI; every failure ends with one clear line on stderr and exit code 1. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const message =
      error instanceof RegistryError
        ? `${error.message} [${error.code}]${error.errors.map((e) => `\n  ${e.path}: ${e.message}`).join("")}`
        : (error as Error).message;
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  }
}
