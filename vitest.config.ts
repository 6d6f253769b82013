import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Three projects: `workers` runs inside workerd against real local D1, R2, Durable Objects and
 * Queues (the vitest integration); `node` runs Node-side code (CLI, scripts, source checks);
 * `e2e` runs in Node and drives the real server (`npm start`).
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      reporters: ["default", "./test/support/summary-reporter.ts"],
      projects: [
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  ADMIN_TOKEN: "test-admin-token",
                  TEST_MIGRATIONS: migrations,
                  // Webhooks: http to 127.0.0.1 is allowed only in local dev; the receiver is a real
                  // HTTP server started by globalSetup; short retries keep delivery tests quick.
                  ENVIRONMENT: "local",
                  WEBHOOK_RECEIVER_URL: inject<string>("webhookReceiverUrl"),
                  // DNS over HTTPS answered by the same receiver (`/dns-query`), for the rebinding check.
                  WEBHOOK_DNS_RESOLVER: `${inject<string>("webhookReceiverUrl")}/dns-query`,
                  WEBHOOK_MAX_ATTEMPTS: "3",
                  FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
                  FUZZ_SEED: process.env.FUZZ_SEED ?? "",
                  WEBHOOK_RETRY_BASE_SECONDS: "1",
                },
              },
            })),
          ],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/e2e/**", "test/node/**", "test/cli/**"],
            setupFiles: ["./test/support/apply-migrations.ts"],
            globalSetup: ["./test/e2e/support/webhook-receiver-setup.ts"],
            testTimeout: 60_000,
          },
        },
        {
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts", "test/cli/**/*.test.ts"],
            environment: "node",
          },
        },
        {
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.test.ts"],
            exclude: ["test/e2e/large/**"],
            environment: "node",
            testTimeout: 180_000,
            hookTimeout: 180_000,
          },
        },
        // Issue 16: the 6 GiB push/verify/pull takes many minutes, so it is a project of its own that
        // exists only under `npm run test:large` (REGISTRY_LARGE_TESTS=1), never part of `npm test`.
        ...(process.env.REGISTRY_LARGE_TESTS === "1"
          ? [
              {
                test: {
                  name: "large",
                  include: ["test/e2e/large/**/*.test.ts"],
                  environment: "node",
                  testTimeout: 10_800_000,
                  hookTimeout: 600_000,
                },
              },
            ]
          : []),
      ],
    },
  };
});
