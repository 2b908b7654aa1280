// Temperature scaling (Guo et al. 2017): one scalar T dividing the logits, chosen to minimise the
// negative log-likelihood of held-out predictions. Golden-section search on log T. Pure, no I/O.

export function softmaxNll(
  logits: Float64Array,
  y: Int32Array,
  classes: number,
  temperature: number,
): number {
  let nll = 0;
  for (let i = 0; i < y.length; i++) {
    const off = i * classes;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[off + k] / temperature);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[off + k] / temperature - max);
    nll -= logits[off + y[i]] / temperature - max - Math.log(sum);
  }
  return nll / y.length;
}

/** Temperature in [0.05, 20] minimising the NLL of `logits` (rows × classes) against `y`. */
export function fitTemperature(logits: Float64Array, y: Int32Array, classes: number): number {
  return minimiseOverTemperature((t) => softmaxNll(logits, y, classes, t));
}

/** The temperature in [0.05, 20] minimising `loss(T)` (unimodal in log T). */
export function minimiseOverTemperature(loss: (temperature: number) => number): number {
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = loss(Math.exp(a));
  let fb = loss(Math.exp(b));
  for (let i = 0; i < 80; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = loss(Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = loss(Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}
