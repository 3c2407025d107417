/** Greedy word wrap for the reports' prose; a word longer than the width gets a line of its own. */
export function wrapWords(text: string, widthChars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (word.length === 0) continue;
    if (line.length > 0 && line.length + 1 + word.length > widthChars) {
      lines.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}
