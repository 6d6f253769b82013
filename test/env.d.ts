declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** The real webhook receiver on 127.0.0.1 (test/e2e/support/webhook-receiver-setup.ts). */
    WEBHOOK_RECEIVER_URL: string;
    /** test/security/contract-fuzz.test.ts: how many cases, from which seed (`npm run fuzz` raises it). */
    FUZZ_RUNS: string;
    FUZZ_SEED: string;
  }
}
