/** `NAME@ALIAS`, `NAME/VERSION` or plain `NAME` (= `NAME@latest`) into the API path that resolves it. */

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type ModelRef = { name: string; alias: string } | { name: string; version: number };

export function parseRef(text: string): ModelRef {
  const at = text.indexOf("@");
  const slash = text.indexOf("/");
  let ref: ModelRef;
  if (at >= 0) ref = { name: text.slice(0, at), alias: text.slice(at + 1) };
  else if (slash >= 0) {
    const v = text.slice(slash + 1);
    if (!/^[1-9][0-9]{0,15}$/.test(v)) throw new Error(`version must be a positive integer in '${text}'`);
    ref = { name: text.slice(0, slash), version: Number(v) };
  } else ref = { name: text, alias: "latest" };
  if (!NAME.test(ref.name)) throw new Error(`not a model name: '${ref.name}'`);
  if ("alias" in ref && !ALIAS.test(ref.alias)) throw new Error(`not an alias: '${ref.alias}'`);
  return ref;
}

export function refPath(ref: ModelRef): string {
  const model = `/models/${encodeURIComponent(ref.name)}`;
  return "alias" in ref
    ? `${model}/aliases/${encodeURIComponent(ref.alias)}`
    : `${model}/versions/${ref.version}`;
}
