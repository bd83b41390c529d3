package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.UnaryOperator;

/**
 * One entity set of one company (e.g. the customers of CRONUS USA). Entities are copy-on-write:
 * a stored {@link Entity} is never mutated, so readers on other event loops iterate without locks
 * while writers serialise on this object.
 */
final class EntitySet {

    /** A stored row: insertion sequence gives BC's default (primary key) order and anchors skip tokens. */
    record Entity(UUID id, long seq, ObjectNode data, String etag) { }

    final String name;
    final EdmModel.EntityType type;
    private final NavigableMap<Long, Entity> bySeq = new ConcurrentSkipListMap<>();
    private final Map<UUID, Entity> byId = new ConcurrentHashMap<>();
    /** Sequence of every id ever stored, so a skip token stays valid after its row was deleted. */
    private final Map<UUID, Long> seqOfId = new ConcurrentHashMap<>();
    private long nextSeq = 1;
    /**
     * The latest changes, oldest first, for the read replica's view ({@link #asOf}): each with the row as it was
     * before (null: it did not exist). Bounded; a replica read older than the oldest kept change sees that change.
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<Change> history = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private int historySize;
    static final int MAX_HISTORY = 1000;

    /** One change: when (System.nanoTime), which row, and the row before it (null: inserted). */
    private record Change(long atNanos, UUID id, Entity before) { }

    EntitySet(String name, EdmModel.EntityType type) {
        this.name = name;
        this.type = type;
    }

    Optional<Entity> get(UUID id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** All rows in default order. Weakly consistent: safe to iterate while others write. */
    Collection<Entity> all() {
        return bySeq.values();
    }

    /** Rows after the given sequence, in default order. */
    Collection<Entity> after(long seq) {
        return bySeq.tailMap(seq, false).values();
    }

    Optional<Long> seqOf(UUID id) {
        return Optional.ofNullable(seqOfId.get(id));
    }

    int size() {
        return byId.size();
    }

    synchronized Entity insert(UUID id, ObjectNode data, String etag) {
        if (byId.containsKey(id)) {
            throw new BcException(400, "Internal_EntityWithSameKeyExists",
                    "The record already exists. Identification fields and values: Id='" + id + "'");
        }
        Entity e = new Entity(id, nextSeq++, data, etag);
        remember(id, null);
        bySeq.put(e.seq(), e);
        byId.put(id, e);
        seqOfId.put(id, e.seq());
        return e;
    }

    /**
     * Replaces a row with {@code change} applied to a copy of it; {@code check} runs under the lock
     * so the If-Match comparison and the write are atomic.
     */
    synchronized Entity update(UUID id, java.util.function.Consumer<Entity> check, UnaryOperator<ObjectNode> change, String newEtag) {
        Entity old = byId.get(id);
        if (old == null) throw notFound(id);
        check.accept(old);
        Entity e = new Entity(id, old.seq(), change.apply(old.data().deepCopy()), newEtag);
        remember(id, old);
        bySeq.put(e.seq(), e);
        byId.put(id, e);
        return e;
    }

    synchronized void delete(UUID id, java.util.function.Consumer<Entity> check) {
        Entity old = byId.get(id);
        if (old == null) throw notFound(id);
        check.accept(old);
        remember(id, old);
        byId.remove(id);
        bySeq.remove(old.seq());
    }

    /** The replica has caught up with everything so far (the seed data exists on both). */
    synchronized void forgetHistory() {
        history.clear();
        historySize = 0;
    }

    /** Called under the lock, before the change. */
    private void remember(UUID id, Entity before) {
        history.addLast(new Change(System.nanoTime(), id, before));
        if (++historySize > MAX_HISTORY) {
            history.pollFirst();
            historySize--;
        }
    }

    /**
     * The set as BC's read replica shows it when it lags the primary by {@code lagMillis} (bc-facts "Read
     * scale-out"): every change made within the lag undone. This set itself when nothing changed since.
     */
    EntitySet asOf(long lagMillis) {
        if (lagMillis <= 0) {
            return this;
        }
        long cutoff = System.nanoTime() - lagMillis * 1_000_000;
        Map<UUID, Entity> undo = new java.util.HashMap<>();
        java.util.Set<UUID> seen = new java.util.HashSet<>();
        for (Change c : history) { // oldest first: a row's first change within the lag holds its replica state
            if (c.atNanos() - cutoff > 0 && seen.add(c.id())) {
                undo.put(c.id(), c.before());
            }
        }
        if (seen.isEmpty()) {
            return this;
        }
        EntitySet view = new EntitySet(name, type);
        view.seqOfId.putAll(seqOfId);
        for (Entity e : bySeq.values()) {
            if (!seen.contains(e.id())) {
                view.bySeq.put(e.seq(), e);
                view.byId.put(e.id(), e);
            }
        }
        undo.forEach((id, before) -> {
            if (before != null) {
                view.bySeq.put(before.seq(), before);
                view.byId.put(id, before);
            }
        });
        return view;
    }

    BcException notFound(UUID id) {
        return new BcException(404, "Internal_RecordNotFound", "The " + caption() + " does not exist. Identification fields and values: "
                + "Id='" + id + "'");
    }

    private String caption() {
        String n = type.name();
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }
}
