/**
 * One shared copy of each short string that repeats across a fleet (field paths, enum values,
 * healthy messages, extension types). A 10,000-cluster snapshot holds ~140,000 components whose
 * strings are otherwise fresh copies from each page's JSON; sharing them keeps the snapshot small
 * enough for a sweep to stay well under 256 MB.
 */
const MAX_LENGTH = 160;
const MAX_ENTRIES = 50_000;
const table = new Map<string, string>();
const shared = new Map<string, unknown>();

export function intern(text: string): string {
  if (text.length > MAX_LENGTH) return text;
  const known = table.get(text);
  if (known !== undefined) return known;
  // Past the cap, strings are kept as they are: correct, just not shared.
  if (table.size < MAX_ENTRIES) table.set(text, text);
  return text;
}

/**
 * One shared instance of a small value object (a healthy component's evidence, its facts) that is
 * identical across thousands of components. Callers only share objects nobody mutates afterwards.
 */
export function internShared<T>(key: string, make: () => T): T {
  if (key.length > 4 * MAX_LENGTH) return make();
  const known = shared.get(key);
  if (known !== undefined) return known as T;
  const value = make();
  if (shared.size < MAX_ENTRIES) shared.set(key, value);
  return value;
}
