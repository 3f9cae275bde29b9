/**
 * Pages of what a route lists (issue 12 item 3: a route's cost is bounded by its `limit`): the
 * `limit` and `cursor` query parameters every list route takes, and the `x-next-cursor` response
 * header a full page carries; passing it back as `cursor` gives the next page. The body stays
 * the list itself.
 */
import type { FastifyReply } from 'fastify';
import { ApiError } from '../http/errors.ts';

export const NEXT_CURSOR_HEADER = 'x-next-cursor';

/** Sets `x-next-cursor` when more items follow. */
export function withNext<T>(reply: FastifyReply, page: { items: T; next: string | null }): T {
  if (page.next !== null) void reply.header(NEXT_CURSOR_HEADER, page.next);
  return page.items;
}

/**
 * A page of a list kept in state in creation order (pools, schedules, relays; the evidence):
 * oldest first, from position `cursor` (a decimal position from x-next-cursor).
 */
export function listPage<T>(list: readonly T[], limit: number, cursor: string | undefined): { items: T[]; next: string | null } {
  const from = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isSafeInteger(from) || from < 0) throw new ApiError('BadRequest', 'The query parameter cursor is not a position from x-next-cursor.');
  const items = list.slice(from, from + limit);
  return { items, next: from + limit < list.length ? String(from + limit) : null };
}
