/**
 * The streamae command line (run, train, score, examples, evaluate, bench): thin picocli commands
 * over the library.
 */
package io.streamae.cli;
