/**
 * Standard normal CDF and quantile. stdlib's ports (FreeBSD erfc, Boost erfinv) are accurate to
 * the last bits, which matters here: the confidence limits are roots of (W(d) - qnorm(p)), and a
 * sloppy qnorm moves the limits by whole pairwise differences near a step of W.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** P(Z <= z) for a standard normal Z. */
export function pnorm(z: number): number {
  return normalCdf(z, 0, 1);
}

/** P(Z > z), computed without the cancellation of 1 - pnorm(z) in the upper tail. */
export function pnormUpper(z: number): number {
  return normalCdf(-z, 0, 1);
}

/** The z with P(Z <= z) = p. */
export function qnorm(p: number): number {
  return normalQuantile(p, 0, 1);
}
