// Limited-memory BFGS minimiser (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 7.4-7.5)
// with a backtracking Armijo line search. Deterministic; used to fit the convex logistic model.
// Pure, no I/O.

export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations?: number;
  memory?: number;
  /** Stop when the gradient's max-norm falls below this. */
  gradTolerance?: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The last `m` steps s = x_{k+1} − x_k, gradient changes y and 1 / (s·y). */
interface CurvatureMemory {
  s: Float64Array[];
  y: Float64Array[];
  rho: number[];
}

/** Two-loop recursion (Nocedal & Wright Alg. 7.4): dir = −H g with H from the memory. */
function twoLoopDirection(
  g: Float64Array,
  mem: CurvatureMemory,
  dir: Float64Array,
  alpha: Float64Array,
): void {
  const n = g.length;
  const { s: sList, y: yList, rho } = mem;
  for (let i = 0; i < n; i++) dir[i] = -g[i];
  for (let k = sList.length - 1; k >= 0; k--) {
    alpha[k] = rho[k] * dot(sList[k], dir);
    const yk = yList[k];
    for (let i = 0; i < n; i++) dir[i] -= alpha[k] * yk[i];
  }
  if (sList.length > 0) {
    const last = sList.length - 1;
    const gamma = dot(sList[last], yList[last]) / dot(yList[last], yList[last]);
    for (let i = 0; i < n; i++) dir[i] *= gamma;
  } else {
    const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) dir[i] *= scale;
  }
  for (let k = 0; k < sList.length; k++) {
    const beta = rho[k] * dot(yList[k], dir);
    const sk = sList[k];
    for (let i = 0; i < n; i++) dir[i] += (alpha[k] - beta) * sk[i];
  }
}

/** Backtracking Armijo line search from x along dir; leaves the point in xNew, returns f there. */
function backtrack(
  f: Objective,
  x: Float64Array,
  fx: number,
  dir: Float64Array,
  slope: number,
  xNew: Float64Array,
  gNew: Float64Array,
): number {
  let step = 1;
  let fNew = Infinity;
  for (let tries = 0; tries < 40; tries++) {
    for (let i = 0; i < x.length; i++) xNew[i] = x[i] + step * dir[i];
    fNew = f(xNew, gNew);
    if (fNew <= fx + 1e-4 * step * slope) break;
    step *= 0.5;
  }
  return fNew;
}

/** Adds the step to the memory (kept at `m` entries) when the curvature condition s·y > 0 holds. */
function remember(
  mem: CurvatureMemory,
  m: number,
  x: Float64Array,
  xNew: Float64Array,
  g: Float64Array,
  gNew: Float64Array,
): void {
  const n = x.length;
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s[i] = xNew[i] - x[i];
    y[i] = gNew[i] - g[i];
  }
  const sy = dot(s, y);
  if (!(sy > 1e-12)) return;
  if (mem.s.length === m) {
    mem.s.shift();
    mem.y.shift();
    mem.rho.shift();
  }
  mem.s.push(s);
  mem.y.push(y);
  mem.rho.push(1 / sy);
}

/** Minimises `f` starting from `x0` (not modified); returns the final point. */
export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): Float64Array {
  const maxIterations = options.maxIterations ?? 300;
  const m = options.memory ?? 8;
  const tol = options.gradTolerance ?? 1e-6;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = f(x, g);
  const mem: CurvatureMemory = { s: [], y: [], rho: [] };
  const dir = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  for (let iter = 0; iter < maxIterations; iter++) {
    let gMax = 0;
    for (let i = 0; i < n; i++) gMax = Math.max(gMax, Math.abs(g[i]));
    if (gMax < tol) break;
    twoLoopDirection(g, mem, dir, alpha);
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart with steepest descent.
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      slope = -dot(g, g);
      mem.s.length = 0;
      mem.y.length = 0;
      mem.rho.length = 0;
    }
    const fNew = backtrack(f, x, fx, dir, slope, xNew, gNew);
    if (!(fNew < fx)) break;
    remember(mem, m, x, xNew, g, gNew);
    const improvement = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (improvement < 1e-12 * Math.max(1, Math.abs(fx))) break;
  }
  return x;
}
