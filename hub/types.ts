// What the hub's plugins decorate the Fastify instance and requests with.
import type { LiveBus } from './live/bus.ts';
import type { HubStore } from './store/store.ts';
import type { HubConfig, StaffRole } from './config.ts';
import type { ScopeGuard } from './scopes/scope.ts';

export interface StaffIdentity {
  username: string;
  role: StaffRole;
}

export interface StaffAccess {
  /** The route checks the staff member's scope itself, so scoped roles may pass. */
  scoped?: boolean;
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
    requireStaff(
      role: StaffRole,
      access?: StaffAccess,
    ): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** What scoped staff (grid workers, family, doctors) may see. */
    scopes: ScopeGuard;
    /** preHandler: an edge presenting its bearer token. */
    requireEdge: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    staff?: StaffIdentity;
    edge?: EdgeIdentity;
  }
}
