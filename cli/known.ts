/**
 * "known: a, b, c": what a command names when it is given a name that does not exist, so that the user sees
 * the right spelling at once instead of listing the resources in a second command.
 */
import { isHttpStatus } from './client/index.js';

/** At most this many names are listed; the rest are counted. */
const MAX_LISTED = 20;

export function knownNames(names: readonly string[]): string {
  if (names.length === 0) return 'there are none';
  const sorted = [...new Set(names)].sort();
  const shown = sorted.slice(0, MAX_LISTED).join(', ');
  return `known: ${shown}${sorted.length > MAX_LISTED ? `, ... (${sorted.length - MAX_LISTED} more)` : ''}`;
}

/**
 * The result of `pending`, or, when the server answers 404, an error naming what exists instead:
 * "no workflow 'nope'; known: a, b". Listing is best effort: when it fails too, the server's 404 is shown.
 */
export async function orKnown<T>(
  pending: Promise<T>,
  what: string,
  name: string,
  list: () => Promise<Array<{ name: string }>>,
): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    if (!isHttpStatus(err, 404)) throw err;
    const names = await list().then(
      (items) => items.map((i) => i.name),
      () => null,
    );
    if (names === null) throw err;
    throw new Error(`no ${what} '${name}'; ${knownNames(names)}`, { cause: err });
  }
}
