package io.streamae.model.inference;

/**
 * Vectorisable building blocks of the batched kernels: the LSTM cell update over many values and
 * fast, accurate tanh and sigmoid.
 *
 * <p>Every loop here is written for C2's auto-vectoriser (Java 17): array indices are the bare loop
 * variable, the body has no branches and no calls that are not intrinsics, products use {@link
 * Math#fma} (C2 vectorises it; a separate multiply and add in the same chain it left scalar), and
 * clamping uses {@link Math#min}/{@link Math#max} (vectorised, unlike a ternary). {@link Math#exp}
 * and {@link Math#tanh} are never vectorised, which is why {@link #tanh} is a rational function.
 */
final class LstmMath {
  /** Beyond this the float rational approximation of tanh has reached ±1 (to float precision). */
  private static final float TANH_CLAMP = 7.90531110763549805f;

  private LstmMath() {}

  /**
   * tanh as a [13/6] rational function on [-7.9, 7.9] (the approximation Eigen uses for float):
   * absolute error below 4e-7 on every float (±∞ gives ±1 within it), NaN stays NaN. Only
   * multiplies, adds, one divide and min/max, so loops calling it vectorise.
   */
  static float tanh(float x) {
    float v = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
    float v2 = v * v;
    float p = Math.fma(v2, -2.76076847742355e-16f, 2.00018790482477e-13f);
    p = Math.fma(p, v2, -8.60467152213735e-11f);
    p = Math.fma(p, v2, 5.12229709037114e-08f);
    p = Math.fma(p, v2, 1.48572235717979e-05f);
    p = Math.fma(p, v2, 6.37261928875436e-04f);
    p = Math.fma(p, v2, 4.89352455891786e-03f);
    float q = Math.fma(v2, 1.19825839466702e-06f, 1.18534705686654e-04f);
    q = Math.fma(q, v2, 2.26843463243900e-03f);
    q = Math.fma(q, v2, 4.89352518554385e-03f);
    return v * p / q;
  }

  /** The logistic function as {@code (1 + tanh(x / 2)) / 2}: absolute error below 3e-7. */
  static float sigmoid(float x) {
    return Math.fma(0.5f, tanh(0.5f * x), 0.5f);
  }

  /**
   * The LSTM cell update for {@code n} independent values: with gate pre-activations {@code zg, zf,
   * zo, zi}, {@code c = σ(zf)·c + σ(zi)·act(zg)} and {@code h = σ(zo)·act(c)}, where act is ReLU or
   * tanh. Updates {@code c} in place, writes {@code h} and overwrites the {@code z} arrays with
   * their activations.
   *
   * <p>One transcendental per loop, on purpose: C2 (Java 17) unrolls, and so vectorises, only loops
   * whose body stays under its unroll node limit; a fused loop with five tanh evaluations stayed
   * scalar and was 6× slower (35 vs 5 ns per value and step, n = 256).
   */
  static void cell(
      float[] zg, float[] zf, float[] zo, float[] zi, float[] c, float[] h, int n, boolean relu) {
    sigmoid(zf, 0, n);
    sigmoid(zi, 0, n);
    sigmoid(zo, 0, n);
    activation(zg, 0, n, relu);
    update(zg, zf, zo, zi, c, h, n, relu);
  }

  /**
   * The second half of {@link #cell}, on activated gates: {@code c = f·c + i·g}, {@code h =
   * o·act(c)}.
   */
  static void update(
      float[] g, float[] f, float[] o, float[] i, float[] c, float[] h, int n, boolean relu) {
    for (int k = 0; k < n; k++) {
      c[k] = f[k] * c[k] + i[k] * g[k];
    }
    if (relu) {
      for (int k = 0; k < n; k++) {
        h[k] = Math.max(0f, c[k]);
      }
      for (int k = 0; k < n; k++) {
        h[k] *= o[k];
      }
    } else {
      for (int k = 0; k < n; k++) {
        h[k] = o[k] * tanh(c[k]);
      }
    }
  }

  /** {@code z[k] = σ(z[k])} for {@code k} in {@code [from, to)}. */
  static void sigmoid(float[] z, int from, int to) {
    for (int k = from; k < to; k++) {
      z[k] = sigmoid(z[k]);
    }
  }

  /** The cell activation (ReLU or tanh) in place over {@code [from, to)}. */
  static void activation(float[] z, int from, int to, boolean relu) {
    if (relu) {
      for (int k = from; k < to; k++) {
        z[k] = Math.max(0f, z[k]);
      }
    } else {
      for (int k = from; k < to; k++) {
        z[k] = tanh(z[k]);
      }
    }
  }
}
