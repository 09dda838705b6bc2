package io.streamtrain.support.kafka;

import java.util.List;

/**
 * The topics a service reads or writes, which it needs to exist before it starts and while it runs; each service
 * declares its own (from the contract's topic names). Services never create topics: {@code streamtrain topics}
 * does.
 */
public record RequiredTopics(List<String> names) {

    public RequiredTopics {
        names = List.copyOf(names);
    }

    public static RequiredTopics of(String... names) {
        return new RequiredTopics(List.of(names));
    }
}
