// How an alert's subject is named on screen: the resident's name and home when
// the registry knows the device, else the device kind and id.
import type { Texts } from '../i18n.ts';
import type { RegistryIndex } from '../registry-index.ts';
import type { Alert } from '../types.ts';

export function subjectName(t: Texts, registry: RegistryIndex, alert: Alert): string {
  const placement = registry.placementOf(alert.subject.kind, alert.subject.id);
  const device = `${t.subjects[alert.subject.kind] ?? alert.subject.kind} ${alert.subject.id}`;
  if (placement.resident) return `${placement.resident.name} · ${device}`;
  return device;
}

export function whereName(registry: RegistryIndex, alert: Alert): string | undefined {
  const placement = registry.placementOf(alert.subject.kind, alert.subject.id);
  const place = registry.placeName(placement.place?.id);
  return [place, placement.grid?.name].filter(Boolean).join(' · ') || undefined;
}
