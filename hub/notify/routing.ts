// Who an alert reaches, by its subject. The police room sees every alert on
// its alert wall (the live push), so routing here is about the people linked
// to the subject: for a resident, their grid worker and their contacts as the
// resident's consent and each contact's setting say; for a place, the grid
// worker of that place; and staff holding a duty (duty officer, leader).
import type { Alert } from '../../common/contracts/alert.ts';
import type { ContactKind, StaffProfile } from '../registry/schemas.ts';
import type { RegistryStore } from '../registry/store.ts';
import type { StaffAccount } from '../store/store.ts';
import type { EscalationTarget } from './config.ts';
import type { Recipient } from './store.ts';

const contactTargets: ReadonlySet<EscalationTarget> = new Set<ContactKind>([
  'family',
  'doctor',
  'neighbour',
  'building_head',
]);

export class AlertRouter {
  constructor(
    private readonly registry: RegistryStore,
    private readonly staffAccount: (username: string) => Promise<StaffAccount | undefined>,
  ) {}

  /** The people the given targets name for this alert, each once. */
  async recipientsFor(alert: Alert, targets: EscalationTarget[]): Promise<Recipient[]> {
    const placement = await this.registry.placementOf(alert.subject);
    const found = new Map<string, Recipient>();
    const add = (recipient: Recipient): void => {
      const key = `${recipient.kind}:${recipient.id}`;
      if (!found.has(key)) found.set(key, recipient);
    };

    for (const target of targets) {
      if (target === 'grid_worker') {
        const grid = placement.gridId ? await this.registry.getGrid(placement.gridId) : undefined;
        for (const username of grid?.workers ?? []) {
          const recipient = await this.#staff(username, target);
          if (recipient) add(recipient);
        }
      } else if (target === 'duty_officer' || target === 'leader') {
        for (const profile of await this.registry.staffWithDuty(target)) {
          const recipient = await this.#staff(profile.username, target, profile);
          if (recipient) add(recipient);
        }
      } else if (contactTargets.has(target) && placement.residentId) {
        for (const recipient of await this.#contacts(alert, placement.residentId, target)) {
          add(recipient);
        }
      }
    }
    return [...found.values()];
  }

  async #staff(
    username: string,
    reason: EscalationTarget,
    known?: StaffProfile,
  ): Promise<Recipient | undefined> {
    const account = await this.staffAccount(username);
    if (!account) return undefined;
    const profile = known ?? (await this.registry.getStaffProfile(username));
    return {
      kind: 'staff',
      id: username,
      name: account.displayName,
      reason,
      channels: profile?.channels ?? ['dashboard'],
      phone: profile?.phone ?? null,
      username,
    };
  }

  async #contacts(alert: Alert, residentId: string, kind: EscalationTarget): Promise<Recipient[]> {
    const resident = await this.registry.getResident(residentId);
    if (!resident || resident.status !== 'active' || !resident.consent.notifyContacts) return [];
    const contacts = await this.registry.contactsOf(residentId);
    return contacts
      .filter((contact) => contact.kind === kind)
      .filter(
        (contact) =>
          contact.notify === 'all' ||
          (contact.notify === 'critical' && alert.severity === 'critical'),
      )
      .map((contact) => ({
        kind: 'contact' as const,
        id: contact.id,
        name: contact.name,
        reason: kind,
        channels: contact.channels,
        phone: contact.phone,
        username: contact.username,
      }));
  }
}
