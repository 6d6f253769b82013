/** One bar for an import: versions done of all, with models done and bytes copied beside it. */
import { SingleBar } from "cli-progress";
import { formatBytes } from "../parts";

export interface ImportProgress {
  modelDone(): void;
  versionDone(): void;
  bytes(n: number): void;
  stop(): void;
}

export function createImportProgress(enabled: boolean, models: number, versions: number): ImportProgress {
  if (!enabled || versions === 0) return { modelDone() {}, versionDone() {}, bytes() {}, stop() {} };
  let modelsDone = 0;
  let versionsDone = 0;
  let bytes = 0;
  const bar = new SingleBar({
    format: "importing [{bar}] models {models}/{modelTotal} | versions {value}/{total} | {bytes} copied",
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    fps: 8,
  });
  const payload = () => ({ models: modelsDone, modelTotal: models, bytes: formatBytes(bytes) });
  bar.start(versions, 0, payload());
  return {
    modelDone() {
      modelsDone++;
      bar.update(versionsDone, payload());
    },
    versionDone() {
      versionsDone++;
      bar.update(versionsDone, payload());
    },
    bytes(n) {
      bytes += n;
      bar.update(versionsDone, payload());
    },
    stop() {
      bar.update(versionsDone, payload());
      bar.stop();
    },
  };
}
