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

/** Minimises `f` starting from `x0` (not modified); returns the final point. */
export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): Float64Array {
  const maxIterations = options.maxIterations ?? 300;
  const m = options.memory ?? 8;
  const tol = options.gradTolerance ?? 1e-6;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = f(x, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  for (let iter = 0; iter < maxIterations; iter++) {
    let gMax = 0;
    for (let i = 0; i < n; i++) gMax = Math.max(gMax, Math.abs(g[i]));
    if (gMax < tol) break;
    // Two-loop recursion: dir = -H g.
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
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart with steepest descent.
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      slope = -dot(g, g);
      sList.length = 0;
      yList.length = 0;
      rho.length = 0;
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * dir[i];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (sList.length === m) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
      sList.push(s);
      yList.push(y);
      rho.push(1 / sy);
    }
    const improvement = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (improvement < 1e-12 * Math.max(1, Math.abs(fx))) break;
  }
  return x;
}
