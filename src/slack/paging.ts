import { type Button } from '@slack/types';
import { commandButton } from './message';

/**
 * Long lists page within Slack's limits: a page of items, and a "Next" button that runs the same
 * command with `--page N+1` (so paging goes through the same authorization as typing it).
 */
export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
  /** "Showing 1–20 of 245" */
  summary: string;
  /** `--page` asked for a page after the last (the last one is shown, and `summary` says so). */
  pastEnd?: boolean;
  /** A button for the next page, when there is one. */
  next?: Button;
}

export function pageOf<T>(
  all: readonly T[],
  page: number,
  perPage: number,
  command: { cluster: string; verb: string; args: string[] },
): Page<T> {
  const pages = Math.max(1, Math.ceil(all.length / perPage));
  const current = Math.min(Math.max(1, page), pages);
  const start = (current - 1) * perPage;
  const items = all.slice(start, start + perPage);
  const counted =
    all.length === 0
      ? 'none'
      : all.length <= perPage
        ? `${all.length} in all`
        : `showing ${start + 1}–${start + items.length} of ${all.length}`;
  // Past the end: say so, rather than quietly showing another page than the one asked for.
  const summary =
    page > pages
      ? `there ${pages === 1 ? 'is only 1 page' : `are only ${pages} pages`}, so this is page ${current} (${counted})`
      : counted;
  const result: Page<T> = {
    items,
    page: current,
    pages,
    total: all.length,
    summary,
    ...(page > pages ? { pastEnd: true } : {}),
  };
  if (current < pages) {
    result.next = commandButton(
      `Next ${Math.min(perPage, all.length - start - perPage)} →`,
      command.cluster,
      command.verb,
      [...command.args, '--page', String(current + 1)],
      { uniqueSuffix: 'next' },
    );
  }
  return result;
}
