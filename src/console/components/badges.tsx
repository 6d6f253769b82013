/** Small display pieces: stage and alias badges, tags, times, sizes, metric values. */

export const StageBadge = ({ stage }: { stage: string }) => <span class={`badge ${stage}`}>{stage}</span>;

export const AliasBadge = ({ alias }: { alias: string }) => <span class="badge alias">@{alias}</span>;

export function Tags({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return <span class="muted">none</span>;
  return (
    <span class="chips">
      {entries.map(([k, v]) => (
        <span class="badge tag">
          {k}={v}
        </span>
      ))}
    </span>
  );
}

/** A time as a <time> element: machine-readable datetime, short human text (UTC). */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  return <time datetime={iso}>{iso.replace("T", " ").slice(0, 16)} UTC</time>;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export const formatMetric = (v: number | undefined) =>
  v === undefined ? "—" : Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, "");
