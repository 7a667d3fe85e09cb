// The seam between governance and every area that keeps personal data about a
// resident. Each area registers a holder; consent withdrawal, moving out,
// erasure and export then reach all of them, including areas added later
// (biometrics.ts holds the face gallery's, which also erases at the edges).
import type { BiometricErasures } from './biometrics.ts';

export type ErasureReason = 'consent_withdrawn' | 'moved_out' | 'erased';

/**
 * What one erasure removes: photos only (photo consent withdrawn), biometrics
 * (faces and photos: face consent withdrawn, moved out) or everything (erasure).
 */
export type ErasureExtent = 'photos' | 'biometrics' | 'everything';

export interface ErasureResult {
  /** Items removed at the hub. */
  removed: number;
  /** Edges that confirmed their copy is gone; empty when the holder has none at the edges. */
  confirmedEdges?: string[];
  /** Edges that still hold a copy and will be told again until they confirm. */
  pendingEdges?: string[];
}

export interface PersonalDataHolder {
  /** Short name used in exports and erasure reports ("faces", "telemetry"). */
  readonly name: string;
  /** Everything this holder keeps about the resident, as plain JSON. */
  exportResident(residentId: string): Promise<unknown>;
  eraseResident(
    residentId: string,
    extent: ErasureExtent,
    reason: ErasureReason,
  ): Promise<ErasureResult>;
}

export type RetentionKind =
  'strangerSnapshots' | 'accessThumbnails' | 'alertEvidence' | 'telemetry';

export interface RetentionTarget {
  readonly kind: RetentionKind;
  /** Short name of what is purged ("telemetry rows"), for the report. */
  readonly name: string;
  /** Removes everything of this kind older than the cutoff; resolves with how many. */
  purgeBefore(cutoff: Date): Promise<number>;
}

/** Where holders and retention targets register; decorated on the hub as `governance`. */
export class DataGovernance {
  readonly holders: PersonalDataHolder[] = [];
  readonly retentionTargets: RetentionTarget[] = [];
  /** Set by registerCoreHolders: erasures of faces and which edges confirmed them. */
  biometricErasures: BiometricErasures | undefined;

  registerHolder(holder: PersonalDataHolder): void {
    if (this.holders.some((existing) => existing.name === holder.name)) {
      throw new Error(`a personal data holder named ${holder.name} is already registered`);
    }
    this.holders.push(holder);
  }

  registerRetention(target: RetentionTarget): void {
    this.retentionTargets.push(target);
  }

  async exportResident(residentId: string): Promise<Record<string, unknown>> {
    const parts: Record<string, unknown> = {};
    for (const holder of this.holders) parts[holder.name] = await holder.exportResident(residentId);
    return parts;
  }

  async eraseResident(
    residentId: string,
    extent: ErasureExtent,
    reason: ErasureReason,
  ): Promise<Record<string, ErasureResult>> {
    const results: Record<string, ErasureResult> = {};
    // Registered order is kept in reverse so the registry's own rows go last,
    // after every holder has used them to find what belongs to the resident.
    for (const holder of [...this.holders].reverse()) {
      results[holder.name] = await holder.eraseResident(residentId, extent, reason);
    }
    return results;
  }
}
