/**
 * Model bundles: one zip of metadata.json and raw float32 parameters with their SHA-256, written
 * atomically and read back with checks that name whatever is wrong. No Java serialization.
 */
package io.streamae.model.io;
