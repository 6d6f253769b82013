#!/usr/bin/env node
// Entry point of `npx registry`. The CLI is TypeScript (src/cli/) and shares its schemas and limits
// with the server; tsx (a dependency, esbuild underneath) compiles it on load. That keeps a fresh
// clone runnable right after `npm install` — no build step to forget, no stale bundle — at the cost
// of ~0.2 s startup, which is noise next to hashing and uploading model weights.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv);
