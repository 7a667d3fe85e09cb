// Turns what a band publishes into validated contracts, the outbox and rules.
import { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import { Validator, isIsoDateTime } from '../../common/contracts/validator.ts';
import type { Logger } from '../../common/log.ts';
import type { DeviceIdentity } from '../devices/registry.ts';
import type { EdgeCounters } from '../metrics.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';
import type { BandRules } from '../rules/elderly-care.ts';

const telemetryValidator = new Validator(BandTelemetry);
const eventValidator = new Validator(BandEvent);

export class BandIngest {
  constructor(
    private readonly edgeId: string,
    private readonly outbox: Outbox,
    private readonly rules: BandRules,
    private readonly counters: EdgeCounters,
    private readonly log: Logger,
  ) {}

  /**
   * Handles one message from a band. Returns a rejection reason, or undefined
   * when accepted. Throws only when the outbox could not store it.
   */
  accept(band: DeviceIdentity, channel: string, payload: Buffer): string | undefined {
    const parsed = parseJson(payload);
    if (parsed === undefined) return 'payload is not JSON';
    const context = {
      site: band.site,
      edgeId: this.edgeId,
      bandId: band.id,
      ...(band.subject !== undefined && { resident: band.subject }),
    };
    const device = { site: band.site, deviceKind: 'band', deviceId: band.id };

    if (channel === 'telemetry') {
      const result = telemetryValidator.validate(parsed);
      if (!result.ok) return `telemetry invalid: ${result.reason}`;
      this.rules.onTelemetry(context, result.value);
      this.outbox.putBatched({ ...device, telemetry: result.value });
      this.counters.accepted++;
      return undefined;
    }

    if (channel === 'event') {
      const result = eventValidator.validate(this.#withUsableTime(band, parsed));
      if (!result.ok) return `event invalid: ${result.reason}`;
      this.outbox.putNow('band_event', { ...device, event: result.value }, Priority.event);
      this.rules.onEvent(context, result.value);
      this.counters.accepted++;
      this.log.info({ band: band.id, event: result.value.kind }, 'band event accepted');
      return undefined;
    }

    return `band has no channel "${channel}"`;
  }

  /**
   * A band's alarm with a missing or unreadable time (no time zone, epoch
   * seconds, 30 February) is still an alarm: it is taken at the time it
   * arrived, and counted, rather than refused after the band was told "got it".
   */
  #withUsableTime(band: DeviceIdentity, parsed: unknown): unknown {
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed;
    const event = parsed as Record<string, unknown>;
    if (typeof event.time === 'string' && isIsoDateTime(event.time)) return parsed;
    this.counters.reject('event time replaced by arrival time');
    this.log.warn(
      { band: band.id, kind: String(event.kind).slice(0, 32) },
      'band event without a usable time; taken at its arrival time',
    );
    return { ...event, time: new Date().toISOString() };
  }
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}
