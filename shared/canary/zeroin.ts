/**
 * Brent's root finder exactly as R's `uniroot` runs it (R_zeroin2 in src/library/stats/src/zeroin.c,
 * itself the classic netlib zeroin). R's wilcox.test finds its confidence limits and its location
 * estimate with uniroot(tol = 1e-4); the limits sit on the steps of a step function, so matching
 * R's iteration (not just "some root within tol") is what makes our intervals agree with R's.
 */
export interface ZeroinResult {
  root: number;
  /** Iterations used; -1 when maxIterations ran out (R warns and still returns the last estimate). */
  iterations: number;
  /** R's estim.prec: |c - b| at exit. */
  precision: number;
}

const EPSILON = Number.EPSILON;

/**
 * Finds a root of f in [a, b] given f(a) = fa and f(b) = fb of opposite signs (or one of them 0).
 * Mirrors R_zeroin2(ax, bx, fa, fb, f, info, &tol, &maxit).
 */
export function zeroin(
  f: (x: number) => number,
  ax: number,
  bx: number,
  faIn: number,
  fbIn: number,
  tol = 1e-4,
  maxIterations = 1000,
): ZeroinResult {
  let a = ax;
  let b = bx;
  let fa = faIn;
  let fb = fbIn;
  let c = a;
  let fc = fa;
  if (fa === 0) return { root: a, iterations: 0, precision: 0 };
  if (fb === 0) return { root: b, iterations: 0, precision: 0 };

  for (let iteration = 0; iteration <= maxIterations; iteration++) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      // Make b the best approximation so far.
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;

    if (Math.abs(newStep) <= tolAct || fb === 0) {
      return { root: b, iterations: iteration, precision: Math.abs(c - b) };
    }

    // Try interpolation when the previous step was large enough and went the right way.
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        // Two distinct points only: linear interpolation (secant).
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        // Inverse quadratic interpolation.
        const qa = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
        q = (qa - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;

      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) {
        newStep = p / q;
      }
    }

    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;

    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      // Keep c on the other side of the root from b.
      c = a;
      fc = fa;
    }
  }
  return { root: b, iterations: -1, precision: -1 };
}
