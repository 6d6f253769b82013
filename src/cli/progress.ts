/**
 * One progress bar per phase (hashing, uploading, downloading) in bytes with the transfer rate.
 * cli-progress draws on stderr and only when it is a terminal, so piped or CI output stays clean.
 */

import { SingleBar } from "cli-progress";
import { formatBytes } from "./parts";

export interface Progress {
  add(bytes: number): void;
  stop(): void;
}

export function createProgress(label: string, totalBytes: number, enabled: boolean): Progress {
  if (!enabled || totalBytes === 0) return { add() {}, stop() {} };
  const started = Date.now();
  let done = 0;
  const bar = new SingleBar({
    format: `${label.padEnd(11)} [{bar}] {percentage}% | {done} / {all} | {rate}/s | eta {eta_formatted}`,
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    fps: 8,
  });
  const payload = () => ({
    done: formatBytes(done),
    all: formatBytes(totalBytes),
    rate: formatBytes(Math.round(done / Math.max(0.001, (Date.now() - started) / 1000))),
  });
  bar.start(totalBytes, 0, payload());
  return {
    add(bytes) {
      done += bytes;
      bar.update(done, payload());
    },
    stop() {
      bar.update(done, payload());
      bar.stop();
    },
  };
}
