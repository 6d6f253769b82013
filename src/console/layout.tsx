/** The console's one layout: landmarks, skip link, navigation by role, sign-out form. */
import type { Context } from "hono";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { type Actor, satisfies } from "../domain/roles";
import type { AppEnv } from "../env";
import { STYLESHEET_PATH } from "./assets/asset-routes";
import { CsrfField } from "./components/forms";

export type Section = "catalogue" | "approvals" | "audit" | "deployments" | "tokens" | "webhooks" | "login";

export interface PageMeta {
  title: string;
  section?: Section | undefined;
}

const NAV: { section: Section; href: string; label: string; admin?: boolean }[] = [
  { section: "catalogue", href: "/", label: "Models" },
  { section: "approvals", href: "/approvals", label: "Approvals" },
  { section: "audit", href: "/audit", label: "Audit" },
  { section: "deployments", href: "/deployments", label: "Deployments" },
  { section: "tokens", href: "/admin/tokens", label: "Tokens", admin: true },
  { section: "webhooks", href: "/admin/webhooks", label: "Webhooks", admin: true },
];

function Header({ c, section }: { c: Context<AppEnv>; section?: Section | undefined }) {
  const actor = c.get("actor");
  return (
    <header class="top">
      <div class="bar">
        <a class="brand" href="/">
          Model registry
        </a>
        {actor ? <SignedInBar c={c} actor={actor} section={section} /> : null}
      </div>
    </header>
  );
}

/** The main navigation (admin entries only for admins) and who is signed in, with sign-out. */
function SignedInBar({
  c,
  actor,
  section,
}: {
  c: Context<AppEnv>;
  actor: Actor;
  section?: Section | undefined;
}) {
  const admin = satisfies(actor.role, "admin");
  return (
    <>
      <nav aria-label="Main">
        <ul>
          {NAV.filter((n) => !n.admin || admin).map((n) => (
            <li>
              <a href={n.href} aria-current={n.section === section ? "page" : undefined}>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="who">
        <span>
          {actor.name} · {actor.role}
        </span>
        <form method="post" action="/logout">
          <CsrfField token={c.get("csrf")} />
          <button type="submit">Sign out</button>
        </form>
      </div>
    </>
  );
}

/**
 * Renders a page inside the layout. Hono's JSX escapes every string child and attribute value, so
 * user data never becomes markup; the only raw HTML is the model card's own escaping renderer.
 */
export function renderPage(c: Context<AppEnv>, content: Child, meta: PageMeta) {
  return c.html(
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${meta.title} · Model registry`}</title>
          <link rel="stylesheet" href={STYLESHEET_PATH} />
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <Header c={c} section={meta.section} />
          <main id="main" tabindex={-1}>
            {content}
          </main>
        </body>
      </html>
    </>,
  );
}
