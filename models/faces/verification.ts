// Verification quality from scored pairs: accuracy and false-accept rate at a
// threshold, the threshold that separates best, and the area under the ROC.

export interface ScoredPair {
  same: boolean;
  /** Cosine similarity of the two faces. */
  score: number;
}

export interface AtThreshold {
  threshold: number;
  accuracy: number;
  /** Different-person pairs scored at or above the threshold, as a fraction. */
  falseAcceptRate: number;
  /** Same-person pairs scored below the threshold, as a fraction. */
  falseRejectRate: number;
}

export function atThreshold(pairs: ScoredPair[], threshold: number): AtThreshold {
  let correct = 0;
  let falseAccepts = 0;
  let falseRejects = 0;
  let different = 0;
  let same = 0;
  for (const pair of pairs) {
    const accepted = pair.score >= threshold;
    if (pair.same) {
      same++;
      if (accepted) correct++;
      else falseRejects++;
    } else {
      different++;
      if (accepted) falseAccepts++;
      else correct++;
    }
  }
  return {
    threshold,
    accuracy: pairs.length ? correct / pairs.length : 0,
    falseAcceptRate: different ? falseAccepts / different : 0,
    falseRejectRate: same ? falseRejects / same : 0,
  };
}

/** The threshold (midway between neighbouring scores) with the best accuracy. */
export function bestThreshold(pairs: ScoredPair[]): AtThreshold {
  const scores = [...new Set(pairs.map((pair) => pair.score))].sort((a, b) => a - b);
  let best = atThreshold(pairs, Number.POSITIVE_INFINITY);
  for (let index = 0; index < scores.length; index++) {
    const low = scores[index - 1] ?? scores[index]! - 1e-3;
    const candidate = atThreshold(pairs, (low + scores[index]!) / 2);
    if (candidate.accuracy > best.accuracy) best = candidate;
  }
  return best;
}

/** Probability that a random same pair scores above a random different pair. */
export function areaUnderCurve(pairs: ScoredPair[]): number {
  const same = pairs.filter((pair) => pair.same).map((pair) => pair.score);
  const different = pairs.filter((pair) => !pair.same).map((pair) => pair.score);
  if (!same.length || !different.length) return Number.NaN;
  let wins = 0;
  for (const s of same) {
    for (const d of different) wins += s > d ? 1 : s === d ? 0.5 : 0;
  }
  return wins / (same.length * different.length);
}
