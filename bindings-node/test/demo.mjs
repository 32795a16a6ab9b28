// The demo supply chain (examples/demo) as a request, shared by the test files.

import fs from 'node:fs'
import path from 'node:path'
import { repoRoot } from './impl.mjs'

export const demoDir = path.join(repoRoot, 'examples', 'demo')
export const readDemo = (name) => fs.readFileSync(path.join(demoDir, name))
/** A time at which the demo layout has not expired. */
export const NOW = '2030-01-01T00:00:00Z'

/**
 * The demo chain as Buffers, inspections skipped; `extra` overrides request fields and
 * `replaceLinks` replaces (or adds) link files by name.
 */
export function demoRequest(extra = {}, replaceLinks = {}) {
  const links = {}
  for (const name of fs.readdirSync(path.join(demoDir, 'links'))) {
    links[name] = readDemo(path.join('links', name))
  }
  return {
    layout: readDemo('root.layout'),
    layoutKeys: [readDemo('keys/owner.pub')],
    links: { ...links, ...replaceLinks },
    now: NOW,
    skipInspections: true,
    ...extra,
  }
}
