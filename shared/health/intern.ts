/**
 * One shared copy of each short string that repeats across a fleet (field paths, enum values,
 * healthy messages, extension types). A 10,000-cluster snapshot holds ~140,000 components whose
 * strings are otherwise fresh copies from each page's JSON; sharing them keeps the snapshot small
 * enough for a sweep to stay well under 256 MB.
 */
const MAX_LENGTH = 160;
const MAX_ENTRIES = 50_000;
const table = new Map<string, string>();

export function intern(text: string): string {
  if (text.length > MAX_LENGTH) return text;
  const known = table.get(text);
  if (known !== undefined) return known;
  // Past the cap, strings are kept as they are: correct, just not shared.
  if (table.size < MAX_ENTRIES) table.set(text, text);
  return text;
}
