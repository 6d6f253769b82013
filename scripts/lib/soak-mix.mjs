// The soak's data and request mix, shared by `npm run soak` and `npm run heap-probe` (issue 13), so
// the memory probe looks at exactly the load the soak measures.
import { createHash, randomBytes } from "node:crypto";

/** Reads a response whole; a 4xx/5xx fails the run with the start of its body. */
export async function ok(res) {
  const body = await res.arrayBuffer();
  if (res.status >= 400)
    throw new Error(`${res.url}: ${res.status} ${Buffer.from(body).toString().slice(0, 200)}`);
  return body;
}

/**
 * Creates an admin token named `tokenName`, one 64 KiB blob and 20 models of 3 versions with a
 * `champion` alias. Returns `mix(i)`, the i-th request of the mix (40% alias reads, 30% resolve
 * polls, 304 once seen, 10% registrations, 10% alias moves, 10% blob GETs), and what it built:
 * `call(method, path, body)` with the new token, the model `names`, the blob's `digest`.
 */
export async function prepareSoakMix(url, adminToken, tokenName) {
  const admin = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const { token } = await (
    await fetch(`${url}/api/v1/tokens`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: tokenName, role: "admin" }),
    })
  ).json();
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const call = (method, path, body) =>
    fetch(`${url}${path}`, { method, headers, body: body && JSON.stringify(body) }).then(ok);
  const blob = randomBytes(64 * 1024);
  const digest = `sha256:${createHash("sha256").update(blob).digest("hex")}`;
  await fetch(`${url}/api/v1/blobs/${digest}`, {
    method: "PUT",
    headers: { authorization: headers.authorization, "content-type": "application/octet-stream" },
    body: blob,
  }).then(ok);
  const names = Array.from({ length: 20 }, (_, i) => `soak-${i}`);
  const files = [{ path: "model.bin", digest, size: blob.length }];
  for (const name of names) {
    await call("POST", "/api/v1/models", { name });
    for (let v = 1; v <= 3; v++) await call("POST", `/api/v1/models/${name}/versions`, { files });
    await call("PUT", `/api/v1/models/${name}/aliases/champion`, { version: 2 });
  }
  const etags = new Map();
  const mix = async (i) => {
    const name = names[i % names.length];
    const kind = i % 10;
    if (kind < 4) return call("GET", `/api/v1/models/${name}/aliases/champion`);
    if (kind < 7) {
      const res = await fetch(`${url}/api/v1/models/${name}/resolve?alias=champion`, {
        headers: { ...headers, ...(etags.has(name) ? { "if-none-match": etags.get(name) } : {}) },
      });
      await ok(res);
      if (res.status === 200) etags.set(name, res.headers.get("etag"));
      return;
    }
    if (kind === 7) return call("POST", `/api/v1/models/${name}/versions`, { files });
    if (kind === 8) return call("PUT", `/api/v1/models/${name}/aliases/champion`, { version: 1 + (i % 3) });
    return fetch(`${url}/api/v1/blobs/${digest}`, { headers }).then(ok);
  };
  return { mix, call, names, digest, headers };
}
