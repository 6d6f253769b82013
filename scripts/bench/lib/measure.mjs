// Small measuring helpers shared by the benchmarks: timing, percentiles, concurrency, tables.
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";

export const now = () => performance.now();

export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const summary = (samples) => ({
  n: samples.length,
  p50_ms: round(percentile(samples, 50)),
  p99_ms: round(percentile(samples, 99)),
});

export const round = (x, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A latency row beside its same-run baseline: p50 and p99 of `samples`, the baseline's p50, the ratio. */
export function p50Row(figure, samples, baseline, baselineIs) {
  const value = percentile(samples, 50);
  const base = percentile(baseline, 50);
  return {
    figure,
    value: round(value),
    unit: "ms p50",
    p99: round(percentile(samples, 99)),
    baseline: round(base),
    baseline_is: baselineIs,
    ratio: round(value / base, 2),
  };
}

/** Runs `task(i)` for i in [0, total) with at most `concurrency` in flight; ticks `bar` per task. */
export async function pool(total, concurrency, task, bar) {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await task(i);
      bar?.increment();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** A progress bar on stderr, so stdout stays clean JSON + Markdown. */
export function progress(label, total) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(34)} [{bar}] {value}/{total} {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** Resident memory (MiB) of the workerd processes this Node process started. */
export function workerdRssMiB() {
  try {
    const out = execFileSync("ps", ["-o", "rss=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
    const kib = out
      .split("\n")
      .filter((line) => line.includes("workerd"))
      .reduce((total, line) => total + Number(line.trim().split(/\s+/)[0] ?? 0), 0);
    return round(kib / 1024, 1);
  } catch {
    return null;
  }
}

export function markdownTable(rows, columns) {
  const head = `| ${columns.join(" | ")} |`;
  const rule = `|${columns.map(() => "---").join("|")}|`;
  const body = rows.map((row) => `| ${columns.map((c) => String(row[c] ?? "")).join(" | ")} |`);
  return [head, rule, ...body].join("\n");
}

/** Pids of the workerd processes this Node process started (their CPU time is in /proc/<pid>/stat). */
export function workerdPids() {
  try {
    const out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
    return out
      .split("\n")
      .filter((line) => line.includes("workerd"))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
  } catch {
    return [];
  }
}
