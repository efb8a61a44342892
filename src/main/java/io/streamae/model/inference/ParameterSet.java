package io.streamae.model.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The named parameter arrays of a network, in a stable order. */
public final class ParameterSet {
  private final Map<String, NamedArray> arrays = new LinkedHashMap<>();

  public ParameterSet add(NamedArray array) {
    if (arrays.putIfAbsent(array.name(), array) != null) {
      throw new IllegalArgumentException("duplicate parameter " + array.name());
    }
    return this;
  }

  public Collection<NamedArray> arrays() {
    return Collections.unmodifiableCollection(arrays.values());
  }

  public List<String> names() {
    return new ArrayList<>(arrays.keySet());
  }

  /** Returns the array, checking that it exists and has the expected shape. */
  public NamedArray require(String name, int... shape) {
    NamedArray array = arrays.get(name);
    if (array == null) {
      throw new IllegalArgumentException("missing parameter " + name);
    }
    if (!Arrays.equals(array.shape(), shape)) {
      throw new IllegalArgumentException(
          String.format(
              "parameter %s has shape %s, the architecture needs %s",
              name, Arrays.toString(array.shape()), Arrays.toString(shape)));
    }
    return array;
  }

  public long parameterCount() {
    return arrays.values().stream().mapToLong(a -> a.data().length).sum();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterSet other && arrays.equals(other.arrays);
  }

  @Override
  public int hashCode() {
    return arrays.hashCode();
  }
}
