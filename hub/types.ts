// What the hub's plugins decorate the Fastify instance and requests with.
import type { LiveBus } from './live/bus.ts';
import type { HubStore } from './store/store.ts';
import type { HubConfig, StaffRole } from './config.ts';

export interface StaffIdentity {
  username: string;
  role: StaffRole;
}

export interface EdgeIdentity {
  id: string;
  site: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: HubStore;
    live: LiveBus;
    hubConfig: HubConfig;
    /** preHandler: a logged-in staff member with at least this role. */
    requireStaff(role: StaffRole): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler: an edge presenting its bearer token. */
    requireEdge: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    staff?: StaffIdentity;
    edge?: EdgeIdentity;
  }
}
