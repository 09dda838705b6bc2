package io.streamtrain.support.kafka;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The connection security settings every Kafka client of a deployment shares: {@code security.protocol} and the
 * standard client properties of SASL ({@code sasl.*}) and TLS ({@code ssl.*}), e.g. SCRAM-SHA-512 over TLS or
 * mutual TLS. In: a lookup of configuration properties named {@code kafka.<property>}, which in Quarkus and in the
 * CLI also answers to environment variables ({@code KAFKA_SASL_JAAS_CONFIG} for {@code kafka.sasl.jaas.config}).
 * Out: the client properties that were set. None set means PLAINTEXT, Kafka's default.
 */
public final class KafkaSecurity {

    /** Every client property this class passes on: the protocol, and every SASL and TLS property Kafka knows. */
    public static final Set<String> PROPERTIES = ProducerConfig.configNames().stream()
            .filter(name -> name.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) || name.startsWith("sasl.")
                    || name.startsWith("ssl."))
            .collect(Collectors.toUnmodifiableSet());

    private KafkaSecurity() {
    }

    /** The settings found by {@code lookup}, asked for {@code kafka.<property>} of each known property. */
    public static Map<String, String> from(Function<String, Optional<String>> lookup) {
        Map<String, String> found = new TreeMap<>();
        for (String property : PROPERTIES) {
            lookup.apply("kafka." + property).filter(value -> !value.isBlank())
                    .ifPresent(value -> found.put(property, value));
        }
        return found;
    }

    /**
     * The settings of this process: system properties {@code kafka.<property>}, else environment variables
     * {@code KAFKA_<PROPERTY>} (upper case, dots as underscores), as the services read them.
     */
    public static Map<String, String> fromEnvironment() {
        return from(name -> Optional.ofNullable(System.getProperty(name))
                .or(() -> Optional.ofNullable(System.getenv(environmentVariable(name)))));
    }

    /** The environment variable of a property: {@code kafka.sasl.jaas.config} is {@code KAFKA_SASL_JAAS_CONFIG}. */
    public static String environmentVariable(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The settings as environment variables, to hand to a child process. */
    public static Map<String, String> asEnvironment(Map<String, String> settings) {
        Map<String, String> environment = new TreeMap<>();
        settings.forEach((property, value) -> environment.put(environmentVariable("kafka." + property), value));
        return environment;
    }

    /** A description for messages, with no secret in it: protocol, mechanism and SASL user. */
    public static String describe(Map<String, String> settings) {
        StringBuilder text = new StringBuilder("security.protocol=")
                .append(settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"));
        String mechanism = settings.get("sasl.mechanism");
        if (mechanism != null) {
            text.append(", sasl.mechanism=").append(mechanism);
        }
        String jaas = settings.get("sasl.jaas.config");
        if (jaas != null) {
            java.util.regex.Matcher user = java.util.regex.Pattern.compile("username\\s*=\\s*\"([^\"]*)\"")
                    .matcher(jaas);
            if (user.find()) {
                text.append(", user '").append(user.group(1)).append('\'');
            }
        }
        if (settings.containsKey("ssl.keystore.location") || settings.containsKey("ssl.keystore.certificate.chain")) {
            text.append(", client certificate");
        }
        return text.toString();
    }
}
