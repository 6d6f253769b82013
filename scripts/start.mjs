// `npm start`: the self-hosted registry (see scripts/lib/registry-server.mjs).
import { signInLink, startRegistry } from "./lib/registry-server.mjs";

const registry = await startRegistry();
console.log(`
  Model registry listening on ${registry.url}
  Console       ${await signInLink(registry)}   (one-time sign-in link for the admin, 15 min)
  API docs      ${registry.url}/docs
  OpenAPI       ${registry.url}/openapi.json
  State         ${registry.stateDir}
  Admin token   ${registry.token}

  Try: curl -H "Authorization: Bearer ${registry.token}" ${registry.url}/api/v1/models
`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await registry.stop();
    process.exit(0);
  });
}
