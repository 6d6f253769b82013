/** Form pieces every console form uses: the CSRF field, labelled inputs, the confirm box. */

export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name="csrf" value={token} />;

export const ConfirmBox = ({ id, label }: { id: string; label: string }) => (
  <div class="field">
    <label class="check" for={id}>
      <input type="checkbox" id={id} name="confirm" value="yes" required />
      {label}
    </label>
  </div>
);

export function TextField(props: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  value?: string;
  required?: boolean;
  type?: string;
}) {
  return (
    <div class="field">
      <label for={props.id}>
        {props.label} {props.hint ? <span class="hint">{props.hint}</span> : null}
      </label>
      <input
        type={props.type ?? "text"}
        id={props.id}
        name={props.name}
        value={props.value ?? ""}
        required={props.required}
        autocomplete="off"
      />
    </div>
  );
}

/** A message above the page content: `role=alert` for errors so screen readers announce them. */
export function Flash({ kind, children }: { kind: "ok" | "error" | "info"; children: unknown }) {
  return (
    <div class={`flash ${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children as never}
    </div>
  );
}
