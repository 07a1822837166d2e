// The schedule field of /admin: a `datetime-local` value is a wall-clock time with no zone; the API
// wants ISO-8601 with one. The browser's zone (and its offset at that instant, DST included) decides.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** `±hh:mm` for an offset in minutes east of UTC. */
export function formatOffset(minutesEast: number): string {
  return `${minutesEast < 0 ? "-" : "+"}${pad(Math.trunc(Math.abs(minutesEast) / 60))}:${pad(Math.abs(minutesEast) % 60)}`;
}

/** A date as its local wall-clock time with the local offset: `2030-05-06T07:08:09+08:00`. */
export function toIsoWithOffset(date: Date): string {
  const wall = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return wall + formatOffset(-date.getTimezoneOffset());
}

/**
 * A `datetime-local` value (`YYYY-MM-DDTHH:mm[:ss]`) read in the browser's zone → ISO with offset, or
 * null when it is not a real date and time. A wall time skipped by a DST change becomes the instant
 * the browser maps it to (written in the offset valid then).
 */
export function localInputToIso(value: string): string | null {
  const m = LOCAL.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(y, mo - 1, d, h, mi, s);
  // 30 February rolls over to March: not a date.
  if (date.getMonth() !== mo - 1 || date.getDate() !== d || Number.isNaN(date.getTime())) return null;
  return toIsoWithOffset(date);
}

/** A date as a `datetime-local` value with seconds, in the browser's zone. */
export function toLocalInputValue(date: Date): string {
  return toIsoWithOffset(date).slice(0, 19);
}
