/**
 * A 53-bit hash of a natural key, stored beside each version so that finding the older versions of
 * a batch's keys scans one integer column instead of the key's text columns. Computed here rather
 * than with DuckDB's hash(), whose values may change between DuckDB versions; collisions are
 * harmless because matches are confirmed on the key columns themselves. (cyrb53, public domain.)
 */
export function keyHash(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
