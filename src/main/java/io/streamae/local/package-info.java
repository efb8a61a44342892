/**
 * Local runs: the scoring dataflow inside one JVM on a file, the NAB sample or generated readings,
 * with a demo model trained on the spot when none is given, and a summary read back from its own
 * output. Offline code: it trains, so it is not part of the cluster job jar.
 */
package io.streamae.local;
