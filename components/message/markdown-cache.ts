import type { ReactElement } from "react";

/**
 * Rendered markdown by its inputs. The message list is virtualized: a row scrolled out of view
 * unmounts and its markdown would be parsed again when it scrolls back. React elements are
 * immutable descriptions, so the same tree is safely reused by any number of mounts.
 */
const LIMIT = 2000;
const cache = new Map<string, ReactElement>();

/** The cached tree for `key`, rendering it on a miss; least recently used trees are evicted. */
export function cachedMarkdown(key: string, render: () => ReactElement): ReactElement {
  const hit = cache.get(key);
  if (hit) {
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const tree = render();
  cache.set(key, tree);
  if (cache.size > LIMIT) cache.delete(cache.keys().next().value!);
  return tree;
}
