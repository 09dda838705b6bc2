package io.streamtrain.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads and restores the state DJL's optimizers keep privately (Adam's moments, SGD's momentum, the update
 * counts behind bias correction), which DJL does not expose. Every field of type
 * {@code Map<String, Map<Device, NDArray>>} in the optimizer's class hierarchy is per-parameter state; the maps
 * are keyed by parameter id, which changes between processes, so the state travels keyed by parameter name.
 */
final class OptimizerStateAccess {

    private OptimizerStateAccess() {
    }

    @SuppressWarnings("unchecked")
    static void export(Optimizer optimizer, Map<String, String> nameOfId, Map<String, Map<String, float[]>> arrays,
                       Map<String, Integer> counts) {
        for (Field field : fields(optimizer)) {
            Object value = get(field, optimizer);
            if (isArrayState(field)) {
                Map<String, float[]> byName = new LinkedHashMap<>();
                ((Map<String, Map<Device, NDArray>>) value).forEach((id, perDevice) -> {
                    String name = nameOfId.get(id);
                    if (name != null && !perDevice.isEmpty()) {
                        byName.put(name, perDevice.values().iterator().next().toFloatArray());
                    }
                });
                arrays.put(field.getName(), byName);
            } else if (field.getName().equals("updateCounts")) {
                ((Map<String, Integer>) value).forEach((id, count) -> {
                    if (nameOfId.containsKey(id)) {
                        counts.put(nameOfId.get(id), count);
                    }
                });
            }
        }
    }

    /** The names of the optimizer's per-parameter state fields, in a fixed order (its class hierarchy's). */
    static java.util.List<String> arrayFields(Optimizer optimizer) {
        return fields(optimizer).stream().filter(OptimizerStateAccess::isArrayState).map(Field::getName).toList();
    }

    static int numUpdate(Optimizer optimizer) {
        for (Field field : fields(optimizer)) {
            if (field.getName().equals("numUpdate")) {
                return (Integer) get(field, optimizer);
            }
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    static void restore(Optimizer optimizer, TrainingState state, Map<String, NDArray> parameterByName,
                        Map<String, String> idOfName) {
        for (Field field : fields(optimizer)) {
            Object value = get(field, optimizer);
            if (isArrayState(field)) {
                Map<String, Map<Device, NDArray>> map = (Map<String, Map<Device, NDArray>>) value;
                state.optimizerArrays().getOrDefault(field.getName(), Map.of()).forEach((name, values) -> {
                    NDArray weight = parameterByName.get(name);
                    Map<Device, NDArray> perDevice = map.computeIfAbsent(idOfName.get(name),
                            id -> new ConcurrentHashMap<>());
                    NDArray existing = perDevice.get(weight.getDevice());
                    if (existing != null && existing.getShape().equals(weight.getShape())) {
                        existing.set(values); // in place: a group restores this every sync round
                    } else {
                        perDevice.put(weight.getDevice(), weight.getManager().create(values, weight.getShape()));
                    }
                });
            } else if (field.getName().equals("updateCounts")) {
                Map<String, Integer> map = (Map<String, Integer>) value;
                state.updateCounts().forEach((name, count) -> map.put(idOfName.get(name), count));
            } else if (field.getName().equals("numUpdate")) {
                set(field, optimizer, state.numUpdate());
            }
        }
    }

    private static boolean isArrayState(Field field) {
        if (!Map.class.isAssignableFrom(field.getType()) || !(field.getGenericType() instanceof ParameterizedType p)) {
            return false;
        }
        return p.getActualTypeArguments().length == 2 && p.getActualTypeArguments()[1].getTypeName()
                .equals("java.util.Map<ai.djl.Device, ai.djl.ndarray.NDArray>");
    }

    private static java.util.List<Field> fields(Optimizer optimizer) {
        java.util.List<Field> fields = new java.util.ArrayList<>();
        for (Class<?> type = optimizer.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (!java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                    field.setAccessible(true);
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    private static Object get(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read optimizer state " + field, e);
        }
    }

    private static void set(Field field, Object target, Object value) {
        try {
            field.set(target, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot restore optimizer state " + field, e);
        }
    }
}
