import { type KnownBlock, type SectionBlock } from '@slack/types';
import {
  actions,
  commandButton,
  context,
  escapeText,
  header,
  lineSections,
  section,
  type SlackMessage,
} from '../message';
import { pageOf } from '../paging';
import { slackDate } from '../../text/times';
import { count } from '../../text/words';
import { stripMarkup } from '../../text/markup';
import { type ImageInfo, type RepositorySummary } from '../../aws/ecr';
import { sliceWhole } from '../../unicode';

/** One section (with its Images button) a repository: 15 stay well inside Slack's 50 blocks. */
export const REPOSITORIES_PER_PAGE = 15;
export const IMAGES_PER_PAGE = 25;

export interface RepositoriesInput {
  alias: string;
  region: string;
  repositories: RepositorySummary[];
  /** Image counts of the repositories on this page (ListImages for each of them only). */
  imageCounts: Map<string, number>;
  page: number;
}

/** The page of repositories the reply will show: counted before the reply is drawn. */
export function repositoriesOnPage(repositories: RepositorySummary[], page: number): RepositorySummary[] {
  const pages = Math.max(1, Math.ceil(repositories.length / REPOSITORIES_PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  return repositories.slice((current - 1) * REPOSITORIES_PER_PAGE, current * REPOSITORIES_PER_PAGE);
}

export function repositoriesMessage(input: RepositoriesInput): SlackMessage {
  const { alias, region, repositories } = input;
  const where = `in ${region} (the account of *${alias}*)`;
  if (repositories.length === 0) {
    const text = `There are no ECR repositories ${where}.`;
    return { text: stripMarkup(text, { keepCode: true }), blocks: [section(text)] };
  }
  const shown = pageOf(repositories, input.page, REPOSITORIES_PER_PAGE, { cluster: alias, verb: 'repos', args: [] });
  const blocks: KnownBlock[] = [
    header(`ECR repositories · ${alias}`),
    section(`*${count(repositories.length, 'repository', 'repositories')}* ${where}`),
  ];
  for (const repo of shown.items) {
    const n = input.imageCounts.get(repo.name);
    const facts = [
      n === undefined ? undefined : count(n, 'image'),
      repo.createdAt ? `created ${slackDate(repo.createdAt)}` : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    const block: SectionBlock = {
      ...(section(
        `*${escapeText(repo.name)}*${facts ? ` · ${facts}` : ''}\n\`${escapeText(repo.uri)}\``,
      ) as SectionBlock),
      accessory: commandButton('Images', alias, 'images', [repo.name]),
    };
    blocks.push(block);
  }
  blocks.push(context(`${shown.summary} · \`/ecs images REPO\` lists a repository's images, newest first`));
  if (shown.next) blocks.push(actions('repos-next', [shown.next]));
  return { text: `ECR repositories in ${region} (${alias}): ${repositories.length} (${shown.summary})`, blocks };
}

export function imagesMessage(input: {
  alias: string;
  repository: string;
  images: ImageInfo[];
  page: number;
}): SlackMessage {
  const { alias, repository, images } = input;
  if (images.length === 0) {
    const text = `ECR repository *${escapeText(repository)}* is empty: nothing has been pushed to it yet.`;
    return { text: stripMarkup(text, { keepCode: true }), blocks: [section(text)] };
  }
  const tagged = images.filter((i) => i.tags.length > 0).length;
  const shown = pageOf(images, input.page, IMAGES_PER_PAGE, { cluster: alias, verb: 'images', args: [repository] });
  const newest = images[0]?.pushedAt;
  const summary = `*${count(images.length, 'image')}* in \`${escapeText(repository)}\`: ${tagged} tagged, ${images.length - tagged} untagged${newest ? ` · last push ${slackDate(newest)}` : ''}`;
  const blocks: KnownBlock[] = [
    header(`${repository} · ECR images · ${alias}`),
    section(summary),
    ...lineSections(shown.items.map(imageLine)),
  ];
  blocks.push(context(`${shown.summary}, newest push first · sizes as stored in ECR (compressed)`));
  if (shown.next) blocks.push(actions('images-next', [shown.next]));
  return {
    text: `${escapeText(repository)} (${alias}): ${count(images.length, 'image')}, ${tagged} tagged (${shown.summary})`,
    blocks,
  };
}

function imageLine(image: ImageInfo): string {
  const tags =
    image.tags.length > 0
      ? image.tags
          .slice(0, 8)
          .map((t) => `\`${escapeText(t)}\``)
          .join(', ') + (image.tags.length > 8 ? ` +${image.tags.length - 8}` : '')
      : '_untagged_';
  const parts = [`• ${tags}`, `\`${escapeText(shortDigest(image.digest))}\``];
  if (image.sizeBytes !== undefined) parts.push(imageSize(image.sizeBytes));
  if (image.pushedAt) parts.push(`pushed ${slackDate(image.pushedAt)}`);
  return parts.join(' · ');
}

/** `sha256:` and the first 12 hex digits, as `docker images` shows an id. */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${sliceWhole(hex, 12)}` : sliceWhole(digest, 19);
}

/**
 * An image's size, the one way every reply says it: mebibytes (2^20 bytes, as the ECR console
 * counts), one decimal, labelled MiB so nobody reads it as a million bytes.
 */
export function imageSize(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
