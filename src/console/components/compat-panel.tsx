/** A signature compatibility report (against previous and Production), and a plain signature diff. */
import type { CompatReport, SideDiff } from "../../domain/signature-compat";
import { versionHref } from "../hrefs";

function changes(side: SideDiff): string[] {
  return [
    ...side.added.map((c) => `+ ${c.name}${c.to ? `: ${c.to}` : ""}`),
    ...side.removed.map((c) => `− ${c.name}${c.from ? `: ${c.from}` : ""}`),
    ...side.retyped.map((c) => `~ ${c.name}: ${c.from} → ${c.to}`),
    ...side.reshaped.map((c) => `~ ${c.name}: shape ${c.from} → ${c.to}`),
  ];
}

export function SignatureDiff({ report }: { report: CompatReport }) {
  const inputs = changes(report.inputs);
  const outputs = changes(report.outputs);
  return (
    <div>
      <p>
        {report.breaking ? <span class="badge bad">breaking</span> : <span class="badge ok">compatible</span>}{" "}
        {report.reasons.join("; ")}
      </p>
      {inputs.length + outputs.length === 0 ? (
        <p class="muted">No signature differences.</p>
      ) : (
        <dl class="kv">
          <dt>Inputs</dt>
          <dd>{inputs.length ? inputs.map((l) => <div class="mono">{l}</div>) : "unchanged"}</dd>
          <dt>Outputs</dt>
          <dd>{outputs.length ? outputs.map((l) => <div class="mono">{l}</div>) : "unchanged"}</dd>
        </dl>
      )}
    </div>
  );
}

type Against = (CompatReport & { version: number }) | null;

export function CompatPanel({
  report,
  name,
}: {
  report: { has_signature: boolean; previous: Against; production: Against };
  name: string;
}) {
  const href = (v: number) => versionHref(name, v);
  return (
    <>
      {report.has_signature ? null : <p class="muted">This version has no signature.</p>}
      {(
        [
          ["Against the previous version", report.previous],
          ["Against Production", report.production],
        ] as const
      ).map(([title, r]) => (
        <>
          <h3>
            {title}
            {r ? (
              <>
                {" "}
                (<a href={href(r.version)}>v{r.version}</a>)
              </>
            ) : null}
          </h3>
          {r ? <SignatureDiff report={r} /> : <p class="muted">Nothing to compare with.</p>}
        </>
      ))}
    </>
  );
}
