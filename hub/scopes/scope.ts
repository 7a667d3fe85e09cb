// What a staff member may see and act on. Police-room staff see everything; a
// grid worker sees the residents and places of their grids; a family member or
// doctor sees only the residents they are a contact of. Scopes are looked up
// from the registry on each check, so a change there applies at once.
import type { Alert, AlertSubject } from '../../common/contracts/alert.ts';
import type { StaffRole } from '../config.ts';
import type { SubjectPlacement } from '../registry/schemas.ts';
import type { RegistryStore } from '../registry/store.ts';
import type { StaffIdentity } from '../types.ts';

export type StaffScope =
  | { kind: 'all' }
  | { kind: 'grids'; gridIds: string[] }
  | { kind: 'residents'; residentIds: string[] };

/** Roles whose view is limited to part of the community. */
export const scopedRoles: ReadonlySet<StaffRole> = new Set<StaffRole>([
  'grid_worker',
  'family',
  'doctor',
]);

export function isScopedRole(role: StaffRole): boolean {
  return scopedRoles.has(role);
}

export class ScopeGuard {
  constructor(private readonly registry: RegistryStore) {}

  async scopeOf(staff: StaffIdentity): Promise<StaffScope> {
    if (staff.role === 'grid_worker') {
      return { kind: 'grids', gridIds: await this.registry.gridsOfWorker(staff.username) };
    }
    if (staff.role === 'family' || staff.role === 'doctor') {
      const residentIds = await this.registry.residentsOfContactUser(staff.username);
      return { kind: 'residents', residentIds };
    }
    return { kind: 'all' };
  }

  /** Whether something placed like this lies inside the scope. */
  covers(scope: StaffScope, placement: SubjectPlacement): boolean {
    switch (scope.kind) {
      case 'all':
        return true;
      case 'grids':
        return placement.gridId !== null && scope.gridIds.includes(placement.gridId);
      case 'residents':
        return placement.residentId !== null && scope.residentIds.includes(placement.residentId);
    }
  }

  async canSeeAlert(staff: StaffIdentity, alert: Alert): Promise<boolean> {
    const scope = await this.scopeOf(staff);
    if (scope.kind === 'all') return true;
    return this.covers(scope, await this.registry.placementOf(alert.subject));
  }

  async canSeeResident(staff: StaffIdentity, residentId: string): Promise<boolean> {
    const scope = await this.scopeOf(staff);
    if (scope.kind === 'all') return true;
    return this.covers(
      scope,
      await this.registry.placementOf({ kind: 'resident', id: residentId }),
    );
  }

  /** What a scoped staff member's alerts may be about; undefined when they see all. */
  async subjectsInScope(staff: StaffIdentity): Promise<AlertSubject[] | undefined> {
    const scope = await this.scopeOf(staff);
    switch (scope.kind) {
      case 'all':
        return undefined;
      case 'grids':
        return this.registry.subjectsIn({ gridIds: scope.gridIds });
      case 'residents':
        return this.registry.subjectsIn({ residentIds: scope.residentIds });
    }
  }
}
