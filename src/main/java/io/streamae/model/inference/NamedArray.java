package io.streamae.model.inference;

import java.util.Arrays;

/**
 * One parameter array of a network, row-major.
 *
 * @param name stable name, {@code <layer>/<key>} such as {@code encoder-0/W}
 * @param shape dimensions, outermost first
 * @param data values, {@code product(shape)} of them
 */
public record NamedArray(String name, int[] shape, float[] data) {
  public NamedArray {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            String.format(
                "parameter %s has a negative dimension %s", name, Arrays.toString(shape)));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          String.format(
              "parameter %s: shape %s holds %s values but %s were given",
              name, Arrays.toString(shape), size, data.length));
    }
  }

  public int rows() {
    return shape[0];
  }

  public int cols() {
    return shape.length > 1 ? shape[1] : 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamedArray other
        && name.equals(other.name)
        && Arrays.equals(shape, other.shape)
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
