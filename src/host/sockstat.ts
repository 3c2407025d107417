/**
 * /proc/net/sockstat and sockstat6: "TCP: inuse 5 orphan 0 tw 9 alloc 7 mem 1" per protocol, as
 * { TCP: { inuse: 5, orphan: 0, tw: 9, ... } }. tw is the TIME_WAIT count, mem in pages.
 */

export type Sockstat = Record<string, Record<string, number>>;

export function parseSockstat(text: string, into: Sockstat = {}): Sockstat {
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const group = line.slice(0, colon).trim();
    const words = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const entry: Record<string, number> = into[group] ?? {};
    for (let i = 0; i + 1 < words.length; i += 2) {
      const n = Number(words[i + 1]);
      if (Number.isFinite(n)) entry[words[i]] = n;
    }
    into[group] = entry;
  }
  return into;
}
