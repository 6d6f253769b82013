#!/usr/bin/env node
// Entry point of `npm run serve-sync`, the reference serving node. The node is TypeScript
// (src/cli/serve-sync/) on the typed client and the CLI's chunk cache; tsx compiles it on load,
// as bin/registry.mjs does for the CLI.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/serve-sync/main.ts");
await main(process.argv.slice(2)).catch((error) => {
  process.stdout.write(
    `${JSON.stringify({ at: new Date().toISOString(), event: "fatal", message: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
