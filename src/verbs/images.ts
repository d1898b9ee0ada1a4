import { z } from 'zod';
import { defineVerb } from './context';
import { PageNumber, PageOption, RepositoryName } from '../commands/arguments';
import { imagesMessage, repositoriesMessage, repositoriesOnPage } from '../slack/views/images';

export const repos = defineVerb({
  verb: 'repos',
  level: 'read',
  summary: 'List the ECR repositories of the cluster’s account and region',
  usage: 'repos',
  examples: ['repos', 'repos -c staging'],
  positionals: [],
  options: { ...PageOption },
  args: z.object({ page: PageNumber }),
  visibility: 'ephemeral',
  working: () => 'Listing ECR repositories…',
  async run(ctx, { page }) {
    const repositories = await ctx.aws.ecr.repositories();
    // Counting images takes a call per repository: only for the ones this page shows.
    const imageCounts = await ctx.aws.ecr.imageCounts(repositoriesOnPage(repositories, page).map((r) => r.name));
    await ctx.reply.send(
      repositoriesMessage({ alias: ctx.alias, region: ctx.aws.region, repositories, imageCounts, page }),
    );
  },
});

export const images = defineVerb({
  verb: 'images',
  level: 'read',
  summary: 'List the images of an ECR repository: tags, digest, size, push time, newest first',
  usage: 'images REPO',
  examples: ['images worker', 'images team/api --page 2'],
  positionals: [{ name: 'repository', label: 'REPO' }],
  options: { ...PageOption },
  args: z.object({ repository: RepositoryName, page: PageNumber }),
  visibility: 'ephemeral',
  working: ({ repository }) => `Listing the images of ${repository}…`,
  async run(ctx, { repository, page }) {
    ctx.ownership.repository(repository, 'images');
    const found = await ctx.aws.ecr.images(repository);
    await ctx.reply.send(imagesMessage({ alias: ctx.alias, repository, images: found, page }));
  },
});
