/** Audit entries as a table: when, who, what, which target, why. */
import type { z } from "zod";
import type { AuditEntrySchema } from "../../schemas/governance";
import { modelHref } from "../hrefs";
import { Time } from "./badges";

type Entry = z.infer<typeof AuditEntrySchema>;

export function AuditTable({ items, showModel = false }: { items: Entry[]; showModel?: boolean }) {
  if (items.length === 0) return <p class="muted">No audit entries.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">When</th>
          {showModel ? <th scope="col">Model</th> : null}
          <th scope="col">Action</th>
          <th scope="col">Actor</th>
          <th scope="col" class="hide-sm">
            Target
          </th>
          <th scope="col">Reason</th>
          <th scope="col" class="num hide-sm">
            Seq
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr>
            <td>
              <Time iso={e.created_at} />
            </td>
            {showModel ? <td>{e.model ? <a href={modelHref(e.model)}>{e.model}</a> : "system"}</td> : null}
            <td>
              <code>{e.action}</code>
            </td>
            <td>{e.actor}</td>
            <td class="hide-sm">
              <code>{e.target}</code>
            </td>
            <td>{e.reason ?? ""}</td>
            <td class="num hide-sm">{e.seq}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
