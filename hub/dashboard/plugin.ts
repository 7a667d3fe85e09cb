// Serves the built police-room dashboard (hub/dashboard/build.ts) at /. The
// page is revalidated on every load so a new build shows at the next reload;
// the bundled font rarely changes and is cached for a day.
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export default async function dashboardPlugin(
  app: FastifyInstance,
  options: { folder: string },
): Promise<void> {
  await app.register(fastifyStatic, {
    root: options.folder,
    prefix: '/',
    cacheControl: false,
    setHeaders: (response, path) => {
      const maxAgeS = path.includes('/fonts/') ? 86_400 : 0;
      response.header('cache-control', `public, max-age=${maxAgeS}`);
      response.header('x-content-type-options', 'nosniff');
    },
  });
}
