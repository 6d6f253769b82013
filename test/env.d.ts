declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** The real webhook receiver on 127.0.0.1 (test/e2e/support/webhook-receiver-setup.ts). */
    WEBHOOK_RECEIVER_URL: string;
  }
}
