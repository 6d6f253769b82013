import { describe, expect, it } from "vitest";
import { checkWebhookUrl, isBlockedAddress } from "../../src/domain/webhook-url";

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
    // issue 15, finding 7: gaps an attacker found, and their relatives
    "https://localhost./h",
    "https://LOCALHOST../h",
    "https://foo.localhost./h",
    "https://metadata.google.internal./h",
    "https://localhost.localdomain/h",
    "https://printer.local/h",
    "https://router.home.arpa/h",
    "https://intranet/h",
    "https://[2002:7f00:1::]/h", // 6to4 wrapping 127.0.0.1
    "https://[2002:a9fe:a9fe::]/h", // 6to4 wrapping 169.254.169.254
    "https://[2002:5db8:d822::]/h", // 6to4 of a public address: still a wrapper
    "https://[64:ff9b::7f00:1]/h", // NAT64 of 127.0.0.1
    "https://[64:ff9b::a9fe:a9fe]/h",
    "https://[::127.0.0.1]/h", // IPv4-compatible
    "https://[::ffff:169.254.169.254]/h",
    "https://[0:0:0:0:0:ffff:7f00:1]/h",
    "https://[2001::1]/h", // Teredo
    "https://[2001:db8::1]/h", // documentation
    "https://[ff02::1]/h",
    "https://255.255.255.255/h",
    "https://240.0.0.1/h",
    "https://192.0.2.1/h",
    "https://198.51.100.7/h",
    "https://203.0.113.9/h",
    "https://192.88.99.1/h",
  ])("refuses non-public address %s", (url) => {
    expect(refused(url)).not.toBeNull();
  });

  it("does not refuse public neighbours of the private ranges", () => {
    for (const url of [
      "https://172.32.0.1/h",
      "https://11.0.0.1/h",
      "https://192.169.0.1/h",
      "https://169.255.0.1/h",
      "https://223.255.255.255/h",
      "https://[2606:4700:4700::1111]/h",
      "https://[2001:4860:4860::8888]/h",
      "https://hooks.example.com./h",
    ]) {
      expect(refused(url)).toBeNull();
    }
  });
});

describe("isBlockedAddress (for resolved addresses)", () => {
  it("judges bare IPv4 and IPv6 answers the way the URL check does", () => {
    for (const ip of [
      "127.0.0.1",
      "10.2.3.4",
      "::1",
      "::ffff:169.254.169.254",
      "64:ff9b::a00:1",
      "fe80::1",
      "2002:7f00:1::",
    ]) {
      expect(isBlockedAddress(ip), ip).toBe(true);
    }
    for (const ip of ["93.184.216.34", "2606:4700::1111", "1.1.1.1"])
      expect(isBlockedAddress(ip), ip).toBe(false);
    expect(isBlockedAddress("not-an-ip:::::")).toBe(true);
  });
});
