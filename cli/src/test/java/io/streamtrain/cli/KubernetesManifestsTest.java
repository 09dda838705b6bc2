package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.TopicAdmin;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Renders every overlay under {@code k8s/overlays} with {@code kubectl kustomize} (offline) and checks what would
 * be applied: required fields and namespaces, probes on SmallRye Health, resources, selectors that match their
 * pods, volumes that exist, one KafkaTopic per topic of {@link Topics#ALL} with the partitions and configuration
 * the services need, and a KEDA ScaledObject that watches the trainers' real consumer group and never scales
 * beyond the train partitions; and Kafka security: a TLS listener with SCRAM logins only, a KafkaUser per service
 * whose ACLs are exactly what that service uses, wired into its Deployment with the cluster CA, and a KEDA login
 * that may only describe. Skipped where kubectl is not installed.
 */
class KubernetesManifestsTest {

    private static final Path OVERLAYS = Path.of("../k8s/overlays");
    private static final List<String> SERVICES = List.of("ingest-service", "preprocess-service", "trainer-service",
            "evaluator-service");

    @TestFactory
    Stream<DynamicTest> everyOverlayRendersToConsistentObjects() throws Exception {
        assumeTrue(kubectl() != null, "kubectl is not installed here; the Kubernetes manifests are not checked");
        List<Path> overlays;
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            overlays = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(overlays).isNotEmpty();
        return overlays.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                () -> check(render(dir))));
    }

    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static List<JsonNode> render(Path overlay) throws Exception {
        Process process = new ProcessBuilder(kubectl(), "kustomize", overlay.toString()).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize %s: %s", overlay, output).isZero();
        List<JsonNode> objects = new ArrayList<>();
        try (var values = new YAMLMapper().readerFor(JsonNode.class).readValues(output)) {
            while (values.hasNext()) {
                JsonNode object = (JsonNode) values.next();
                if (object != null && !object.isMissingNode() && !object.isNull()) {
                    objects.add(object);
                }
            }
        }
        return objects;
    }

    private static void check(List<JsonNode> objects) throws Exception {
        for (JsonNode object : objects) {
            assertThat(object.path("apiVersion").asText()).as("apiVersion of %s", object).isNotEmpty();
            assertThat(object.path("kind").asText()).isNotEmpty();
            assertThat(object.path("metadata").path("name").asText()).isNotEmpty();
        }
        String namespace = one(objects, "Namespace", null).path("metadata").path("name").asText();
        for (JsonNode object : objects) {
            if (!object.path("kind").asText().equals("Namespace")) {
                assertThat(object.path("metadata").path("namespace").asText())
                        .as("namespace of %s %s", object.path("kind").asText(), name(object)).isEqualTo(namespace);
            }
        }

        JsonNode env = one(objects, "ConfigMap", "streamtrain-env").path("data");
        JsonNode specMap = objects.stream().filter(o -> o.path("kind").asText().equals("ConfigMap")
                && name(o).startsWith("pipeline-spec")).findFirst().orElseThrow();
        PipelineSpec spec = SpecLoader.parse(specMap.path("data").path("pipeline.yaml").asText());
        Set<String> configMaps = names(objects, "ConfigMap");
        Set<String> claims = names(objects, "PersistentVolumeClaim");

        // The four services: labels and selectors, probes, resources, volumes, the settings they read.
        List<JsonNode> deployments = all(objects, "Deployment");
        assertThat(deployments).extracting(KubernetesManifestsTest::name).containsExactlyInAnyOrderElementsOf(SERVICES);
        for (JsonNode deployment : deployments) {
            JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
            assertThat(contains(podLabels, deployment.path("spec").path("selector").path("matchLabels")))
                    .as("selector of %s matches its pods", name(deployment)).isTrue();
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            Map<String, String> mounts = new java.util.HashMap<>();
            for (JsonNode volume : pod.path("volumes")) {
                if (volume.has("configMap")) {
                    assertThat(configMaps).contains(volume.path("configMap").path("name").asText());
                }
                if (volume.has("persistentVolumeClaim")) {
                    assertThat(claims).contains(volume.path("persistentVolumeClaim").path("claimName").asText());
                }
            }
            JsonNode container = pod.path("containers").get(0);
            Set<String> ports = new HashSet<>();
            container.path("ports").forEach(p -> ports.add(p.path("name").asText()));
            assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
                    .isEqualTo("/q/health/ready");
            assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
                    .isEqualTo("/q/health/live");
            assertThat(ports).contains(container.path("readinessProbe").path("httpGet").path("port").asText(),
                    container.path("livenessProbe").path("httpGet").path("port").asText());
            for (String kind : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    assertThat(container.path("resources").path(kind).path(resource).asText())
                            .as("%s %s.%s", name(deployment), kind, resource).isNotEmpty();
                }
            }
            for (JsonNode mount : container.path("volumeMounts")) {
                mounts.put(mount.path("mountPath").asText(), mount.path("name").asText());
            }
            assertThat(container.path("envFrom").findValuesAsText("name")).contains("streamtrain-env");
            assertThat(mounts).as("the spec file of %s is mounted", name(deployment))
                    .containsKey(Path.of(env.path("STREAMTRAIN_SPEC").asText()).getParent().toString());
            assertThat(mounts).as("the checkpoint volume of %s is mounted", name(deployment))
                    .containsKey(env.path("STREAMTRAIN_CHECKPOINT_DIR").asText());
        }
        for (String kind : List.of("Service", "PodDisruptionBudget")) {
            for (JsonNode object : all(objects, kind)) {
                JsonNode selector = kind.equals("Service") ? object.path("spec").path("selector")
                        : object.path("spec").path("selector").path("matchLabels");
                assertThat(deployments.stream().anyMatch(d -> contains(d.path("spec").path("template")
                        .path("metadata").path("labels"), selector))).as("%s %s selects pods", kind, name(object))
                        .isTrue();
            }
        }
        assertThat(all(objects, "PodDisruptionBudget")).hasSizeGreaterThanOrEqualTo(SERVICES.size());

        // Kafka: the cluster, its node pool, every topic the services use.
        JsonNode kafka = one(objects, "Kafka", null);
        String cluster = name(kafka);
        assertThat(env.path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo(cluster + "-kafka-bootstrap:9093");
        checkKafkaSecurity(objects, kafka, env, deployments);
        assertThat(one(objects, "KafkaNodePool", null).path("metadata").path("labels").path("strimzi.io/cluster")
                .asText()).isEqualTo(cluster);
        List<JsonNode> topics = all(objects, "KafkaTopic");
        assertThat(topics).extracting(t -> t.path("spec").path("topicName").asText())
                .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(Topics.TopicDefinition::name).toList());
        int trainPartitions = 0;
        for (JsonNode topic : topics) {
            String topicName = topic.path("spec").path("topicName").asText();
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(cluster);
            boolean compacted = Topics.ALL.stream().filter(t -> t.name().equals(topicName)).findFirst().orElseThrow()
                    .compacted();
            assertThat(topic.path("spec").path("config").path("cleanup.policy").asText("delete"))
                    .as("cleanup.policy of %s", topicName).isEqualTo(compacted ? "compact" : "delete");
            int partitions = topic.path("spec").path("partitions").asInt();
            if (topicName.equals(Topics.BATCHES_TRAIN)) {
                trainPartitions = partitions;
            } else {
                assertThat(partitions).as("partitions of %s", topicName).isEqualTo(1);
            }
            if (topicName.equals(Topics.SYNC)) {
                assertThat(topic.path("spec").path("config").path("max.message.bytes").asInt())
                        .isGreaterThanOrEqualTo(TopicAdmin.SYNC_MAX_MESSAGE_BYTES);
            }
            if (topicName.equals(Topics.INGEST)) {
                assertThat(topic.path("spec").path("config").path("max.message.bytes").asInt())
                        .isGreaterThanOrEqualTo(TopicAdmin.INGEST_MAX_MESSAGE_BYTES);
            }
        }

        // KEDA: scales the trainers on the lag of their own group, never beyond the partitions.
        JsonNode scaled = one(objects, "ScaledObject", null);
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("trainer-service");
        assertThat(scaled.path("spec").path("maxReplicaCount").asInt()).isBetween(1, trainPartitions);
        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        JsonNode metadata = trigger.path("metadata");
        assertThat(spec.train().sync()).as("trainer pods scale only as a group (train.sync in the spec)").isNotNull();
        assertThat(metadata.path("consumerGroup").asText()).isEqualTo(Topics.trainerGroup(spec.pipeline()));
        assertThat(metadata.path("topic").asText()).isEqualTo(Topics.BATCHES_TRAIN);
        assertThat(metadata.path("bootstrapServers").asText()).isEqualTo(env.path("KAFKA_BOOTSTRAP_SERVERS").asText());
        assertThat(metadata.path("excludePersistentLag").asText()).isEqualTo("true");
    }

    /**
     * What each service's KafkaUser may do: exactly the topics, groups and transactional ids its code uses (the
     * ACLs of k8s/base/users.yaml), as "type name pattern: operations".
     */
    private static final Map<String, Set<String>> ACLS = Map.of(
            "ingest-service", Set.of(
                    "topic " + Topics.INGEST + " literal: Describe,Read",
                    "group streamtrain-ingest-service- prefix: Read",
                    "topic " + Topics.RECORDS + " literal: Describe,Write",
                    "topic " + Topics.REJECTED + " literal: Describe,Write"),
            "preprocess-service", Set.of(
                    "topic " + Topics.RECORDS + " literal: Describe,Read",
                    "group streamtrain-preprocess- prefix: Read",
                    "topic " + Topics.STATS + " literal: Describe,Read,Write",
                    "topic " + Topics.BATCHES_TRAIN + " literal: Describe,Write",
                    "topic " + Topics.BATCHES_VALIDATION + " literal: Describe,Write",
                    "topic " + Topics.REJECTED + " literal: Describe,Write",
                    "transactionalId streamtrain-preprocess- prefix: Describe,Write"),
            "trainer-service", Set.of(
                    "topic " + Topics.BATCHES_TRAIN + " literal: Describe,Read",
                    "group " + Topics.trainerGroup("") + " prefix: Read",
                    "topic " + Topics.STATS + " literal: Describe,Read",
                    "topic " + Topics.EVALUATIONS + " literal: Describe,Read",
                    "topic " + Topics.SYNC + " literal: Describe,Read,Write",
                    "topic " + Topics.CHECKPOINTS + " literal: Describe,Write",
                    "topic " + Topics.PROGRESS + " literal: Describe,Write"),
            "evaluator-service", Set.of(
                    "topic " + Topics.CHECKPOINTS + " literal: Describe,Read",
                    "group streamtrain-evaluator-service- prefix: Read",
                    "topic " + Topics.BATCHES_VALIDATION + " literal: Describe,Read",
                    "topic " + Topics.EVALUATIONS + " literal: Describe,Read,Write",
                    "topic " + Topics.MODELS + " literal: Describe,Read,Write"));

    /**
     * The broker takes only TLS with SCRAM logins and authorizes by ACL; every service connects with SASL_SSL,
     * the cluster's CA and the login of a KafkaUser of its own whose ACLs are exactly its needs; KEDA logs in as a
     * user that may only describe.
     */
    private static void checkKafkaSecurity(List<JsonNode> objects, JsonNode kafka, JsonNode env,
                                           List<JsonNode> deployments) {
        String cluster = name(kafka);
        JsonNode listeners = kafka.path("spec").path("kafka").path("listeners");
        assertThat(listeners).isNotEmpty();
        for (JsonNode listener : listeners) {
            assertThat(listener.path("tls").asBoolean()).as("listener %s is TLS", listener.path("name").asText())
                    .isTrue();
            assertThat(listener.path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
        }
        assertThat(listeners.findValuesAsText("port")).contains(env.path("KAFKA_BOOTSTRAP_SERVERS").asText()
                .replaceFirst(".*:", ""));
        assertThat(kafka.path("spec").path("kafka").path("authorization").path("type").asText()).isEqualTo("simple");
        assertThat(env.path("KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
        assertThat(env.path("KAFKA_SASL_MECHANISM").asText()).isEqualTo("SCRAM-SHA-512");

        Map<String, JsonNode> users = new java.util.HashMap<>();
        for (JsonNode user : all(objects, "KafkaUser")) {
            assertThat(user.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(cluster);
            assertThat(user.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                assertThat(acl.path("resource").path("name").asText()).as("no wildcard ACL in %s", name(user))
                        .isNotEqualTo("*");
                if (acl.path("resource").path("type").asText().equals("topic")) {
                    assertThat(Topics.ALL.stream().map(Topics.TopicDefinition::name))
                            .contains(acl.path("resource").path("name").asText());
                }
            }
            users.put(name(user), user);
        }
        Set<String> loginsUsed = new HashSet<>();
        for (JsonNode deployment : deployments) {
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            JsonNode container = pod.path("containers").get(0);
            JsonNode login = null;
            for (JsonNode variable : container.path("env")) {
                if (variable.path("name").asText().equals("KAFKA_SASL_JAAS_CONFIG")) {
                    login = variable.path("valueFrom").path("secretKeyRef");
                }
            }
            assertThat(login).as("the Kafka login of %s", name(deployment)).isNotNull();
            assertThat(login.path("key").asText()).isEqualTo("sasl.jaas.config");
            String user = login.path("name").asText();
            assertThat(users).as("a KafkaUser behind the login of %s", name(deployment)).containsKey(user);
            assertThat(loginsUsed.add(user)).as("%s has a login of its own", name(deployment)).isTrue();
            assertThat(acls(users.get(user))).as("ACLs of %s (%s)", user, name(deployment))
                    .containsExactlyInAnyOrderElementsOf(ACLS.get(name(deployment)));
            // The CA that verifies the broker: Strimzi's cluster CA secret, mounted where the settings say.
            String caFile = env.path("KAFKA_SSL_TRUSTSTORE_LOCATION").asText();
            String caVolume = null;
            for (JsonNode mount : container.path("volumeMounts")) {
                if (caFile.startsWith(mount.path("mountPath").asText() + "/")) {
                    caVolume = mount.path("name").asText();
                }
            }
            assertThat(caVolume).as("%s mounts %s", name(deployment), caFile).isNotNull();
            String volumeName = caVolume;
            JsonNode volume = java.util.stream.StreamSupport.stream(pod.path("volumes").spliterator(), false)
                    .filter(v -> v.path("name").asText().equals(volumeName)).findFirst().orElseThrow();
            assertThat(volume.path("secret").path("secretName").asText()).isEqualTo(cluster + "-cluster-ca-cert");
        }

        JsonNode trigger = one(objects, "ScaledObject", null).path("spec").path("triggers").get(0);
        assertThat(trigger.path("metadata").path("sasl").asText()).isEqualTo("scram_sha512");
        assertThat(trigger.path("metadata").path("tls").asText()).isEqualTo("enable");
        JsonNode login = one(objects, "TriggerAuthentication", trigger.path("authenticationRef").path("name").asText());
        String kedaUser = null;
        for (JsonNode ref : login.path("spec").path("secretTargetRef")) {
            if (ref.path("parameter").asText().equals("password")) {
                kedaUser = ref.path("name").asText();
            }
        }
        assertThat(users).as("KEDA's KafkaUser").containsKey(kedaUser);
        assertThat(acls(users.get(kedaUser))).allSatisfy(acl -> assertThat(acl).endsWith(": Describe"));
        assertThat(loginsUsed).doesNotContain(kedaUser);
    }

    /** A KafkaUser's ACLs as "type name pattern: operations" (operations sorted). */
    private static List<String> acls(JsonNode user) {
        List<String> acls = new ArrayList<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            JsonNode resource = acl.path("resource");
            List<String> operations = new ArrayList<>();
            acl.path("operations").forEach(o -> operations.add(o.asText()));
            java.util.Collections.sort(operations);
            acls.add(resource.path("type").asText() + " " + resource.path("name").asText() + " "
                    + resource.path("patternType").asText("literal") + ": " + String.join(",", operations));
        }
        return acls;
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private static List<JsonNode> all(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    private static Set<String> names(List<JsonNode> objects, String kind) {
        return all(objects, kind).stream().map(KubernetesManifestsTest::name).collect(Collectors.toSet());
    }

    /** The one object of a kind (and name, when given). */
    private static JsonNode one(List<JsonNode> objects, String kind, String objectName) {
        List<JsonNode> found = all(objects, kind).stream()
                .filter(o -> objectName == null || name(o).equals(objectName)).toList();
        assertThat(found).as("%s %s", kind, objectName == null ? "" : objectName).hasSize(1);
        return found.get(0);
    }

    /** Whether every label of {@code selector} is on {@code labels} with the same value (and there is one). */
    private static boolean contains(JsonNode labels, JsonNode selector) {
        if (selector == null || selector.isEmpty() || selector instanceof MissingNode) {
            return false;
        }
        var fields = selector.fields();
        while (fields.hasNext()) {
            var label = fields.next();
            if (!label.getValue().asText().equals(labels.path(label.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }
}
