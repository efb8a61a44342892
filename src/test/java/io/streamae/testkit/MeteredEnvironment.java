package io.streamae.testkit;

import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * A task environment for operator test harnesses whose metrics land in a map, keyed by logical
 * scope and name as a dashboard sees them (e.g. {@code
 * taskmanager.job.task.operator.anomaly.ingest.readingsParsed}).
 */
public final class MeteredEnvironment {
  private MeteredEnvironment() {}

  /** An environment for {@code task}; every metric registered in it is put into {@code metrics}. */
  public static MockEnvironment of(String task, Map<String, Metric> metrics) {
    TestingMetricRegistry registry =
        TestingMetricRegistry.builder()
            .setDelimiter('.')
            .setRegisterConsumer(
                (metric, name, group) ->
                    metrics.put(group.getLogicalScope(text -> text, '.') + "." + name, metric))
            .build();
    TaskMetricGroup taskMetrics =
        TaskManagerMetricGroup.createTaskManagerMetricGroup(
                registry, "localhost", ResourceID.generate())
            .addJob(new JobID(), "anomaly-detection")
            .addTask(ExecutionAttemptID.randomId(), task);
    return new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build();
  }
}
