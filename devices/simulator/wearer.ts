// One simulated resident and their band: a day that looks like an elderly
// person's (asleep at night, short walks near home by day), with a heart rate
// that follows activity and sleep, blood oxygen, a daily step counter, a
// draining battery and a GPS position with noise. Scripted incidents change
// that day. The model only produces messages; the simulator sends them.
import type { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import { defaultDurationMinutes, type Incident, type IncidentKind } from './incidents.ts';
import type { SeededRandom } from './random.ts';

const minute = 60_000;
const metresPerDegree = 111_195;

export interface LatLon {
  lat: number;
  lon: number;
}

export interface WearerOptions {
  id: string;
  home: LatLon;
  /** Hours east of UTC for the wearer's day (sleep, walks, step counter). Default 8. */
  utcOffsetHours?: number;
  /** Battery at the start. Default random 50–100 %. */
  batteryPercent?: number;
}

export type BandMessage =
  { channel: 'telemetry'; body: BandTelemetry } | { channel: 'event'; body: BandEvent };

interface ActiveIncident {
  kind: IncidentKind;
  fromMs: number;
  untilMs: number;
  headingDegrees: number;
}

export class SimulatedWearer {
  readonly id: string;
  readonly home: LatLon;
  readonly #random: SeededRandom;
  readonly #offsetMs: number;
  readonly #restingBpm: number;
  readonly #spo2: number;
  /** Pending incidents, earliest first. */
  readonly #scripted: Incident[] = [];
  #ongoing: ActiveIncident[] = [];
  #lastMs: number;
  #steps = 0;
  #day = '';
  #battery: number;
  /** Metres north and east of home. */
  #north = 0;
  #east = 0;
  #walkUntilMs = 0;
  #walkHeading = 0;
  #lowBatteryAnnounced = false;

  constructor(options: WearerOptions, random: SeededRandom, startMs: number) {
    this.id = options.id;
    this.home = options.home;
    this.#random = random;
    this.#offsetMs = (options.utcOffsetHours ?? 8) * 3_600_000;
    this.#restingBpm = clamp(Math.round(random.normal(72, 6)), 62, 88);
    this.#spo2 = clamp(random.normal(96.5, 0.8), 95, 98.5);
    this.#battery = options.batteryPercent ?? random.between(50, 100);
    this.#north = random.normal(0, 8);
    this.#east = random.normal(0, 8);
    this.#lastMs = startMs;
    this.#day = this.#localDay(startMs);
  }

  script(incident: Incident): void {
    this.#scripted.push(incident);
    this.#scripted.sort((a, b) => a.atMinutes - b.atMinutes);
  }

  // Known shortcoming: a `silent` band keeps its MQTT connection; it only stops sending.
  /** Whether the band reports at this moment (a `silent` incident stops it). */
  reporting(atMs: number): boolean {
    return !this.#isActive('silent', atMs);
  }

  /** When the next scripted incident begins (ms), or Infinity. */
  nextIncidentMs(startMs: number): number {
    const next = this.#scripted[0];
    return next ? startMs + next.atMinutes * minute : Number.POSITIVE_INFINITY;
  }

  /**
   * Moves the wearer's life on to `atMs` and returns what the band sends then:
   * alarms of incidents that began by now, and a telemetry sample if `sample`.
   */
  advanceTo(atMs: number, startMs: number, sample: boolean): BandMessage[] {
    const messages: BandMessage[] = [];
    for (const incident of this.#dueIncidents(atMs, startMs)) {
      messages.push(...this.#begin(incident, startMs));
    }
    if (atMs > this.#lastMs) {
      this.#live(this.#lastMs, atMs);
      this.#lastMs = atMs;
    }
    this.#ongoing = this.#ongoing.filter((ongoing) => ongoing.untilMs > atMs);
    if (this.#battery <= 10 && !this.#lowBatteryAnnounced) {
      this.#lowBatteryAnnounced = true;
      messages.push({ channel: 'event', body: this.#event('low_battery', atMs) });
    }
    if (sample && this.reporting(atMs)) {
      messages.push({ channel: 'telemetry', body: this.#sample(atMs) });
    }
    return messages;
  }

  /** Where the wearer is now. */
  get position(): LatLon {
    return {
      lat: this.home.lat + this.#north / metresPerDegree,
      lon: this.home.lon + this.#east / (metresPerDegree * Math.cos(toRadians(this.home.lat))),
    };
  }

  #dueIncidents(atMs: number, startMs: number): Incident[] {
    const due: Incident[] = [];
    while (this.#scripted[0] && startMs + this.#scripted[0].atMinutes * minute <= atMs) {
      due.push(this.#scripted.shift()!);
    }
    return due;
  }

  #begin(incident: Incident, startMs: number): BandMessage[] {
    const fromMs = startMs + incident.atMinutes * minute;
    const lasts = incident.durationMinutes ?? defaultDurationMinutes[incident.kind];
    const active = {
      kind: incident.kind,
      fromMs,
      untilMs: fromMs + lasts * minute,
      headingDegrees: incident.headingDegrees ?? 45,
    };
    this.#ongoing.push(active);
    switch (incident.kind) {
      case 'sos':
        return [{ channel: 'event', body: this.#event('sos', fromMs) }];
      case 'fall':
        return [{ channel: 'event', body: this.#event('fall', fromMs) }];
      case 'removed':
        return [{ channel: 'event', body: this.#event('removed', fromMs) }];
      default:
        return [];
    }
  }

  #isActive(kind: IncidentKind, atMs: number): boolean {
    return this.#ongoing.some((a) => a.kind === kind && a.fromMs <= atMs && atMs < a.untilMs);
  }

  #ongoingOf(kind: IncidentKind, atMs: number): ActiveIncident | undefined {
    return this.#ongoing.find((a) => a.kind === kind && a.fromMs <= atMs && atMs < a.untilMs);
  }

  /** Steps, walks and battery from `fromMs` to `toMs`, a minute at a time. */
  #live(fromMs: number, toMs: number): void {
    for (let at = fromMs; at < toMs; at += minute) {
      const stepMs = Math.min(minute, toMs - at);
      const day = this.#localDay(at);
      if (day !== this.#day) {
        this.#day = day;
        this.#steps = 0;
      }
      this.#drain(at, stepMs);
      const wandering = this.#ongoingOf('wanders', at);
      if (wandering) {
        this.#walk(wandering.headingDegrees, stepMs, 1.2);
        this.#steps += Math.round((stepMs / minute) * 95);
        continue;
      }
      if (!this.#canMove(at)) continue;
      // About five walks a day, each five to twenty-five minutes.
      if (at >= this.#walkUntilMs && this.#isDaytime(at) && this.#random.chance(0.006)) {
        this.#walkUntilMs = at + this.#random.between(5, 25) * minute;
        this.#walkHeading = this.#random.between(0, 360);
      }
      if (at < this.#walkUntilMs) {
        // Short walks near home: turn gently, and head back when far away.
        this.#walkHeading += this.#random.normal(0, 25);
        if (Math.hypot(this.#north, this.#east) > 200) {
          this.#walkHeading = (Math.atan2(-this.#east, -this.#north) * 180) / Math.PI;
        }
        this.#walk(this.#walkHeading, stepMs, 0.9);
        this.#steps += Math.round((stepMs / minute) * this.#random.between(50, 90));
      } else if (this.#isDaytime(at) && this.#random.chance(0.12)) {
        // A few steps about the flat: to the kitchen, the door, the window.
        this.#steps += Math.round(this.#random.between(5, 40));
      }
    }
  }

  #canMove(atMs: number): boolean {
    return !(
      this.#isActive('still', atMs) ||
      this.#isActive('fall', atMs) ||
      this.#isActive('removed', atMs)
    );
  }

  #walk(headingDegrees: number, forMs: number, metresPerSecond: number): void {
    const metres = (metresPerSecond * forMs) / 1000;
    this.#north += metres * Math.cos(toRadians(headingDegrees));
    this.#east += metres * Math.sin(toRadians(headingDegrees));
  }

  #drain(atMs: number, forMs: number): void {
    const hours = forMs / 3_600_000;
    const draining = this.#ongoingOf('battery_low', atMs);
    // A band lasts about three days; a failing one empties within an hour.
    const perHour = draining ? 90 : 1.4;
    this.#battery = Math.max(draining ? 3 : 0, this.#battery - perHour * hours);
  }

  #sample(atMs: number): BandTelemetry {
    const worn = !this.#isActive('removed', atMs);
    const telemetry: BandTelemetry = {
      time: new Date(atMs).toISOString(),
      steps: this.#steps,
      batteryPercent: Math.round(this.#battery),
      worn,
      position: this.#fix(),
    };
    if (!worn) return { ...telemetry, heartRateBpm: 0 };

    const walking = atMs < this.#walkUntilMs || this.#isActive('wanders', atMs);
    let bpm = this.#restingBpm + (walking ? 18 : 0) - (this.#isDaytime(atMs) ? 0 : 6);
    if (this.#isActive('heart_rate_high', atMs)) bpm = this.#random.between(124, 136);
    const fall = this.#ongoingOf('fall', atMs);
    if (fall && atMs - fall.fromMs < 10 * minute) bpm += 22;
    telemetry.heartRateBpm = Math.round(clamp(this.#random.normal(bpm, 3), 35, 190));

    let spo2 = this.#random.normal(this.#spo2, 0.7);
    if (this.#isActive('low_spo2', atMs)) spo2 = this.#random.between(87.6, 90.9);
    // About one reading in fifty fails; bands then send 0.
    telemetry.spo2Percent = this.#random.chance(0.02) ? 0 : Math.round(clamp(spo2, 70, 100));
    return telemetry;
  }

  #fix(): NonNullable<BandTelemetry['position']> {
    const { lat, lon } = this.position;
    const noise = () => this.#random.normal(0, 6) / metresPerDegree;
    return {
      lat: round(lat + noise(), 7),
      lon: round(lon + noise(), 7),
      valid: true,
      accuracyM: Math.round(this.#random.between(5, 15)),
    };
  }

  #event(kind: BandEvent['kind'], atMs: number): BandEvent {
    const { lat, lon } = this.position;
    return {
      time: new Date(atMs).toISOString(),
      kind,
      batteryPercent: Math.round(this.#battery),
      position: { lat: round(lat, 7), lon: round(lon, 7), valid: true },
    };
  }

  #localHour(atMs: number): number {
    return new Date(atMs + this.#offsetMs).getUTCHours();
  }

  #isDaytime(atMs: number): boolean {
    const hour = this.#localHour(atMs);
    return hour >= 7 && hour < 21;
  }

  #localDay(atMs: number): string {
    return new Date(atMs + this.#offsetMs).toISOString().slice(0, 10);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function toRadians(degrees: number): number {
  return (degrees * Math.PI) / 180;
}
