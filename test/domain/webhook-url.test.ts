import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "../../src/domain/webhook-url";

const refused = (url: string, env = "production") => {
  const check = checkWebhookUrl(url, env);
  return check.ok ? null : check.reason;
};

describe("webhook URL safety", () => {
  it("accepts public https URLs and normalises them", () => {
    expect(checkWebhookUrl("https://ci.example.com/hooks?x=1", "production")).toEqual({
      ok: true,
      url: "https://ci.example.com/hooks?x=1",
    });
    expect(checkWebhookUrl("https://93.184.216.34:8443/h", "production").ok).toBe(true);
    expect(checkWebhookUrl("https://[2606:4700::1111]/h", "production").ok).toBe(true);
  });

  it("allows plain http only to loopback, and only in local dev", () => {
    for (const url of ["http://localhost:3000/h", "http://127.0.0.1:9/h", "http://[::1]:9/h"]) {
      expect(checkWebhookUrl(url, "local").ok).toBe(true);
      expect(refused(url)).toMatch(/https/);
    }
    expect(refused("http://example.com/h", "local")).toMatch(/https/);
    expect(refused("http://10.0.0.1/h", "local")).toMatch(/https/);
  });

  it("refuses other schemes, relative and oversized URLs", () => {
    expect(refused("ftp://example.com/x")).toMatch(/https/);
    expect(refused("file:///etc/passwd")).toMatch(/https/);
    expect(refused("javascript:alert(1)")).toMatch(/https/);
    expect(refused("/relative")).toMatch(/absolute/);
    expect(refused(`https://example.com/${"a".repeat(2100)}`)).toMatch(/at most/);
  });

  it("refuses credentials in the URL", () => {
    expect(refused("https://user:pw@example.com/h")).toMatch(/credentials/);
    expect(refused("https://user@example.com/h")).toMatch(/credentials/);
    expect(refused("http://user:pw@127.0.0.1/h", "local")).toMatch(/credentials/);
  });

  it.each([
    "https://10.1.2.3/h",
    "https://172.16.0.1/h",
    "https://172.31.255.255/h",
    "https://192.168.1.1/h",
    "https://169.254.169.254/latest/meta-data",
    "https://127.0.0.1/h",
    "https://0.0.0.0/h",
    "https://100.64.0.1/h",
    "https://0x7f.1/h", // the URL parser normalises exotic IPv4 spellings first
    "https://2130706433/h",
    "https://017700000001/h",
    "https://[::1]/h",
    "https://[::]/h",
    "https://[fc00::1]/h",
    "https://[fd12:3456::1]/h",
    "https://[fe80::1]/h",
    "https://[::ffff:127.0.0.1]/h",
    "https://[::ffff:10.0.0.1]/h",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://metadata/h",
    "https://localhost/h",
    "https://foo.localhost/h",
  ])("refuses non-public address %s", (url) => {
    expect(refused(url)).not.toBeNull();
  });

  it("does not refuse public neighbours of the private ranges", () => {
    for (const url of [
      "https://172.32.0.1/h",
      "https://11.0.0.1/h",
      "https://192.169.0.1/h",
      "https://169.255.0.1/h",
    ]) {
      expect(refused(url)).toBeNull();
    }
  });
});
