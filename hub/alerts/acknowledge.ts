// Acknowledging an alert, from the police room or by a notified person who
// answered: the state change and, for a wristband alarm, the "help is coming"
// command are stored in one transaction, so neither happens without the other.
import type { FastifyInstance } from 'fastify';
import type { Alert } from '../../common/contracts/alert.ts';
import { AlertNotFound, AlertStateConflict } from '../errors.ts';
import { AlertStateMismatch, type StoredCommand } from '../store/store.ts';

/** Alarms from a band that the wearer should feel answered. */
const answeredOnBand = new Set(['sos', 'fall']);

export async function acknowledgeAlert(
  app: FastifyInstance,
  alertId: string,
  actor: string,
  detail?: Record<string, unknown>,
): Promise<Alert> {
  const current = await app.store.getAlert(alertId);
  if (!current) throw new AlertNotFound(alertId);

  let command: StoredCommand | undefined;
  if (current.subject.kind === 'band' && answeredOnBand.has(current.type)) {
    command = app.commands.prepare(current.edgeId, {
      site: current.site,
      deviceKind: 'band',
      deviceId: current.subject.id,
      payload: {
        kind: 'help_coming',
        alertId: current.id,
        message: app.hubConfig.helpComingMessage,
        time: new Date().toISOString(),
      },
    });
  }

  let changed: Alert | undefined;
  try {
    changed = await app.store.changeAlert(
      alertId,
      { state: 'acknowledged', fromStates: ['new'], ...(command && { command }) },
      { actor, action: 'acknowledged', ...(detail && { detail }) },
    );
  } catch (error) {
    if (error instanceof AlertStateMismatch) {
      throw new AlertStateConflict(alertId, error.state, 'acknowledged');
    }
    throw error;
  }
  if (!changed) throw new AlertNotFound(alertId);

  if (command) app.commands.push(command);
  app.live.emit('alert', changed, 'updated');
  app.log.info({ alert: alertId, by: actor, type: changed.type }, 'alert acknowledged');
  return changed;
}
