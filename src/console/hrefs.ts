/** Console URLs of models and versions: names are user text, so always encoded in one place. */
export const modelHref = (name: string) => `/models/${encodeURIComponent(name)}`;

export const versionHref = (name: string, version: number) => `${modelHref(name)}/versions/${version}`;
