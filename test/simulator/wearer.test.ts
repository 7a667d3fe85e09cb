import { describe, expect, it } from 'vitest';
import type { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import { distanceM } from '../../edge/rules/geometry.ts';
import type { Incident } from '../../devices/simulator/incidents.ts';
import { SeededRandom } from '../../devices/simulator/random.ts';
import { SimulatedWearer } from '../../devices/simulator/wearer.ts';

const home = { lat: 31.2304, lon: 121.4737 };
// Midnight in Shanghai.
const midnight = Date.parse('2026-12-03T16:00:00Z');
const minute = 60_000;

/** A day (or `minutes`) of one band, one sample a minute. */
function live(incidents: Incident[] = [], minutes = 24 * 60, seed = 7) {
  const wearer = new SimulatedWearer(
    { id: 'band-sim', home, batteryPercent: 90 },
    new SeededRandom(seed),
    midnight,
  );
  for (const incident of incidents) wearer.script(incident);
  const samples: BandTelemetry[] = [];
  const events: BandEvent[] = [];
  for (let at = midnight; at < midnight + minutes * minute; at += minute) {
    for (const message of wearer.advanceTo(at, midnight, true)) {
      if (message.channel === 'telemetry') samples.push(message.body);
      else events.push(message.body);
    }
  }
  return { samples, events };
}

const hourOf = (sample: BandTelemetry) => (Date.parse(sample.time) - midnight) / 3_600_000;

describe('a simulated wearer', () => {
  it("lives an elderly person's day: asleep at night, short walks near home by day", () => {
    const { samples, events } = live();
    expect(samples).toHaveLength(24 * 60);
    expect(events, 'an ordinary day raises no alarm').toEqual([]);

    const night = samples.filter((sample) => hourOf(sample) < 7);
    expect(new Set(night.map((s) => s.steps)), 'no steps before 07:00').toEqual(new Set([0]));
    const evening = samples.at(-1)!.steps!;
    expect(evening, 'a few thousand steps by the evening').toBeGreaterThan(1000);
    expect(evening).toBeLessThan(12_000);

    const rates = samples.map((s) => s.heartRateBpm!);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(45);
    expect(Math.max(...rates), 'a normal day stays below 120 bpm').toBeLessThan(120);
    const oxygen = samples.map((s) => s.spo2Percent!).filter((value) => value > 0);
    expect(Math.min(...oxygen), 'blood oxygen stays normal').toBeGreaterThanOrEqual(93);
    expect(oxygen.length, 'a few readings fail (0)').toBeLessThan(samples.length);

    const drained = samples[0]!.batteryPercent! - samples.at(-1)!.batteryPercent!;
    expect(drained, 'about 1.4 % an hour').toBeGreaterThanOrEqual(32);
    expect(drained).toBeLessThanOrEqual(35);
    const farthest = Math.max(...samples.map((s) => distanceM(home, s.position!)));
    expect(farthest, 'walks stay near home').toBeLessThan(300);
  });

  it('is the same with the same seed, and different with another', () => {
    expect(live([], 600, 3)).toEqual(live([], 600, 3));
    expect(live([], 600, 3)).not.toEqual(live([], 600, 4));
  });

  it('plays scripted incidents', () => {
    const at = (hour: number) => hour * 60;
    const { samples, events } = live([
      { band: 'band-sim', kind: 'sos', atMinutes: at(8) },
      { band: 'band-sim', kind: 'fall', atMinutes: at(9) },
      { band: 'band-sim', kind: 'still', atMinutes: at(10), durationMinutes: 300 },
      { band: 'band-sim', kind: 'removed', atMinutes: at(16), durationMinutes: 60 },
      { band: 'band-sim', kind: 'heart_rate_high', atMinutes: at(18), durationMinutes: 30 },
      { band: 'band-sim', kind: 'wanders', atMinutes: at(19), durationMinutes: 40 },
      { band: 'band-sim', kind: 'battery_low', atMinutes: at(22) },
    ]);
    expect(events.map((event) => [event.kind, new Date(event.time).getTime() - midnight])).toEqual([
      ['sos', 8 * 3_600_000],
      ['fall', 9 * 3_600_000],
      ['removed', 16 * 3_600_000],
      ['low_battery', expect.any(Number)],
    ]);

    const between = (from: number, to: number) =>
      samples.filter((s) => hourOf(s) >= from && hourOf(s) < to);
    const still = between(10, 15);
    expect(new Set(still.map((s) => s.steps)).size, 'no step while still').toBe(1);
    expect(between(16, 17).every((s) => s.worn === false && s.heartRateBpm === 0)).toBe(true);
    expect(between(17.1, 18).every((s) => s.worn === true)).toBe(true);
    expect(between(18, 18.5).every((s) => s.heartRateBpm! >= 120)).toBe(true);
    const away = between(19.6, 19.66).map((s) => distanceM(home, s.position!));
    expect(Math.min(...away), 'far from home after half an hour of walking').toBeGreaterThan(1500);
    expect(samples.at(-1)!.batteryPercent, 'the battery ran down').toBeLessThanOrEqual(5);
  });
});
