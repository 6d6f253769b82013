/** A browser-like client for console tests: a cookie jar, same-origin form posts, CSRF scraping. */
import { exports } from "cloudflare:workers";
import { ADMIN } from "../support/api";

export const ORIGIN = "http://registry.test";

export interface Browser {
  cookies: Map<string, string>;
  get(path: string): Promise<Response>;
  /** A form post from our own origin (as a browser sends it), with the page's CSRF token unless given. */
  post(path: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** The CSRF token of the last page this browser fetched. */
  csrf: string;
}

function absorb(cookies: Map<string, string>, response: Response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (/max-age=0/i.test(line) || value === "") cookies.delete(name);
    else cookies.set(name, value);
  }
}

export function browser(): Browser {
  const cookies = new Map<string, string>();
  const b: Browser = {
    cookies,
    csrf: "",
    async get(path) {
      const res = await exports.default.fetch(
        new Request(`${ORIGIN}${path}`, { headers: { cookie: cookieHeader(cookies) }, redirect: "manual" }),
      );
      absorb(cookies, res);
      const text = await res.clone().text();
      const m = /name="csrf" value="([^"]+)"/.exec(text);
      if (m?.[1]) b.csrf = m[1];
      return res;
    },
    async post(path, fields, headers = {}) {
      const body = new URLSearchParams({ csrf: b.csrf, ...fields });
      const res = await exports.default.fetch(
        new Request(`${ORIGIN}${path}`, {
          method: "POST",
          redirect: "manual",
          headers: {
            cookie: cookieHeader(cookies),
            origin: ORIGIN,
            "content-type": "application/x-www-form-urlencoded",
            ...headers,
          },
          body,
        }),
      );
      absorb(cookies, res);
      return res;
    },
  };
  return b;
}

const cookieHeader = (cookies: Map<string, string>) => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");

/** A browser signed in with `token` (the admin's by default) through the real /login form. */
export async function signedIn(token = ADMIN): Promise<Browser> {
  const b = browser();
  await b.get("/login");
  const res = await b.post("/login", { token, next: "/" });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  await b.get("/");
  return b;
}
