package io.streamae.model.definition;

import java.util.Arrays;
import java.util.Locale;

/** Case-insensitive enum parsing with a message that lists the accepted values. */
final class Enums {
  private Enums() {}

  static <E extends Enum<E>> E parse(Class<E> type, String what, String value) {
    if (value != null) {
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(value.trim())) {
          return e;
        }
      }
    }
    throw new IllegalArgumentException(
        String.format(
            "unknown %s '%s'; expected one of %s",
            what,
            value,
            Arrays.toString(
                Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT))
                    .toArray())));
  }
}
