// Pareto dominance for sweeps with several objectives (Deb et al., NSGA-II, 2002): a trial dominates another when it
// is at least as good in every objective and better in one; the front is the trials no other dominates. Constraints
// come first (Deb's constrained dominance): a feasible trial ranks above every infeasible one. Non-dominated sorting
// gives every trial its front (0 = the Pareto front), and crowding distance orders trials within a front.
import type { Goal } from './objectives.js';

export interface ScoredPoint {
  /** One value per objective, in the objectives' order. */
  readonly values: readonly number[];
  readonly feasible: boolean;
}

export function dominates(a: readonly number[], b: readonly number[], goals: readonly Goal[]): boolean {
  let better = false;
  for (let i = 0; i < goals.length; i++) {
    const sign = goals[i] === 'maximize' ? 1 : -1;
    const difference = sign * (a[i] - b[i]);
    if (difference < 0) return false;
    if (difference > 0) better = true;
  }
  return better;
}

/** Each point's front: 0 for the Pareto front of the feasible points, then the next fronts; infeasible points after. */
export function frontRanks(points: readonly ScoredPoint[], goals: readonly Goal[]): number[] {
  const ranks = new Array<number>(points.length).fill(-1);
  const feasible = points.flatMap((p, i) => (p.feasible ? [i] : []));
  const infeasible = points.flatMap((p, i) => (p.feasible ? [] : [i]));
  const fronts = sortFronts(feasible, points, goals);
  fronts.forEach((front, rank) => front.forEach((i) => (ranks[i] = rank)));
  sortFronts(infeasible, points, goals).forEach((front, rank) => front.forEach((i) => (ranks[i] = fronts.length + rank)));
  return ranks;
}

/** The indices of the feasible points no feasible point dominates. */
export function paretoFront(points: readonly ScoredPoint[], goals: readonly Goal[]): number[] {
  return frontRanks(points, goals).flatMap((rank, i) => (rank === 0 && points[i].feasible ? [i] : []));
}

function sortFronts(indices: readonly number[], points: readonly ScoredPoint[], goals: readonly Goal[]): number[][] {
  const fronts: number[][] = [];
  let remaining = [...indices];
  while (remaining.length > 0) {
    const front = remaining.filter((i) => !remaining.some((j) => j !== i && dominates(points[j].values, points[i].values, goals)));
    fronts.push(front);
    remaining = remaining.filter((i) => !front.includes(i));
  }
  return fronts;
}

/** Crowding distance of each point of one front (Infinity at the ends of each objective): larger is lonelier. */
export function crowdingDistances(front: readonly (readonly number[])[]): number[] {
  const distances = new Array<number>(front.length).fill(0);
  if (front.length === 0) return distances;
  for (let objective = 0; objective < front[0].length; objective++) {
    const order = front.map((_, i) => i).sort((a, b) => front[a][objective] - front[b][objective]);
    const low = front[order[0]][objective];
    const high = front[order[order.length - 1]][objective];
    distances[order[0]] = Infinity;
    distances[order[order.length - 1]] = Infinity;
    if (high === low) continue;
    for (let k = 1; k < order.length - 1; k++) {
      distances[order[k]] += (front[order[k + 1]][objective] - front[order[k - 1]][objective]) / (high - low);
    }
  }
  return distances;
}
