/**
 * What an alias move decides on, kept in the ledger's head state (issue 13, sixth round): where
 * each alias points, which versions may take an alias, which aliases have no rollout. A move
 * decided from it needs no D1 read before its batch; profiled, that read was a quarter of an alias
 * move's CPU.
 *
 * Only facts that an alias move or deletion cannot make false are kept, and each is learned from a
 * read of D1 or from a committed change. The writer forgets them all when any other change commits
 * (a registration, a transition, a rollout, a deletion: see ChangeWriter.#adopt) or a batch fails,
 * so a stale fact never outlives the change that could have changed it. The audit chain fences a
 * second writer, as for the rest of the head.
 */
export class AliasHead {
  /** Alias → the version it names (null: known not to be set). */
  readonly #aliases = new Map<string, number | null>();
  /** Versions known to exist with a status that may take an alias (not pending, not failed). */
  readonly #servable = new Set<number>();
  /** Aliases known to have no active rollout. */
  readonly #rolloutFree = new Set<string>();

  /**
   * The alias's current version (null: unset) when everything a move of `alias` onto `version`
   * decides on is known; undefined when D1 must be read.
   */
  decided(alias: string, version: number): { existing: number | null } | undefined {
    if (!this.#servable.has(version) || !this.#rolloutFree.has(alias)) return undefined;
    const existing = this.#aliases.get(alias);
    return existing === undefined ? undefined : { existing };
  }

  /** What a read of D1 found (committed state). */
  learn(alias: string, facts: { existing: number | null; servable: number | null; rolloutFree: boolean }) {
    this.#aliases.set(alias, facts.existing);
    if (facts.servable !== null) this.#servable.add(facts.servable);
    if (facts.rolloutFree) this.#rolloutFree.add(alias);
    else this.#rolloutFree.delete(alias);
  }

  /** A committed move (a version) or deletion (null) of the alias. */
  moved(alias: string, version: number | null): void {
    this.#aliases.set(alias, version);
  }
}
