import { api, createModel, json } from "../support/api";

const hex = (bytes: ArrayBuffer) =>
  [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Uploads real bytes as a blob (the server verifies the digest) and returns the manifest entry. */
export async function putFile(path: string, text: string) {
  const bytes = new TextEncoder().encode(text);
  const digest = `sha256:${hex(await crypto.subtle.digest("SHA-256", bytes))}`;
  const res = await api("PUT", `/api/v1/blobs/${digest}`, {
    body: bytes,
    headers: { "content-type": "application/octet-stream" },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`putBlob ${res.status} ${await res.text()}`);
  return { path, digest, size: bytes.byteLength, media_type: "application/octet-stream" };
}

/** A model with versions 1..n, each with its own weights file, and `champion` → `championAt`. */
export async function modelWithVersions(name: string, n: number, championAt = 1) {
  await createModel(name);
  const versions: { version: number; manifest_digest: string }[] = [];
  for (let i = 1; i <= n; i++) {
    const files = [
      await putFile("model.bin", `weights of ${name} v${i}`),
      await putFile("config.json", "{}"),
    ];
    const res = await api("POST", `/api/v1/models/${name}/versions`, { body: { files } });
    if (res.status !== 201) throw new Error(`version: ${res.status} ${await res.text()}`);
    versions.push(await json(res));
  }
  await moveAlias(name, "champion", championAt);
  return versions;
}

export async function moveAlias(name: string, alias: string, version: number) {
  const res = await api("PUT", `/api/v1/models/${name}/aliases/${alias}`, { body: { version } });
  if (res.status !== 200) throw new Error(`alias: ${res.status} ${await res.text()}`);
}
