package io.bcgateway.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code $batch} split then re-assembly. Any body either reads as a list of operations or is refused (null, which
 * the route answers with a 400); split into chunks of at most 100, the operations stay in order, each once, and
 * the answers put back together name every id once, in the caller's order, whether BC answered a chunk or refused
 * it. A {@code dependsOn} into another chunk is a refusal with a reason, never an exception.
 */
class BatchSplitterFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void splitThenReassemblyKeepsEveryIdOnceInOrder(FuzzedDataProvider data) {
        Buffer body = data.consumeBoolean() ? Buffer.buffer(data.consumeRemainingAsBytes()) : generated(data);
        JsonArray operations = FanoutService.batchOperations(body);
        if (operations == null) {
            return; // the route's 400: "the $batch body is not JSON of the form {"requests":[{...}, ...]}"
        }
        List<JsonArray> chunks = BatchSplitter.chunks(operations);
        List<Object> flattened = new ArrayList<>();
        for (JsonArray chunk : chunks) {
            assertTrue(chunk.size() >= 1 && chunk.size() <= BatchSplitter.BC_MAX_OPERATIONS, "chunk of " + chunk.size());
            chunk.forEach(flattened::add);
        }
        assertEquals(operations.getList().size(), flattened.size(), "operations after splitting");
        assertEquals(new JsonArray(new ArrayList<>(operations.getList())), new JsonArray(flattened), "order after splitting");

        if (BatchSplitter.crossChunkDependency(chunks) != null) {
            return; // the route's 400 with that reason
        }
        JsonArray responses = new JsonArray();
        for (int c = 0; c < chunks.size(); c++) {
            if (c % 3 == 2) {
                BatchSplitter.failAll(chunks.get(c), 429, new JsonObject().put("code", "TooManyRequests"), responses);
            } else {
                for (Object op : chunks.get(c)) { // BC answers every operation of a chunk it takes
                    responses.add(new JsonObject().put("id", ((JsonObject) op).getValue("id")).put("status", 200));
                }
            }
        }
        List<Object> idsIn = new ArrayList<>();
        operations.forEach(op -> idsIn.add(((JsonObject) op).getValue("id")));
        List<Object> idsOut = new ArrayList<>();
        responses.forEach(r -> idsOut.add(((JsonObject) r).getValue("id")));
        assertEquals(idsIn, idsOut, "ids after re-assembly");
    }

    /** A well-formed batch from the fuzzer's choices: up to 250 operations, ids and dependsOn of any shape. */
    private static Buffer generated(FuzzedDataProvider data) {
        JsonArray requests = new JsonArray();
        int n = data.consumeInt(0, 250);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            JsonObject op = new JsonObject().put("method", "GET").put("url", "companies(" + i + ")/customers");
            switch (data.consumeInt(0, 3)) {
                case 0 -> op.put("id", String.valueOf(i));
                case 1 -> op.put("id", data.consumeString(8));
                case 2 -> op.put("id", data.consumeInt());
                default -> { } // no id
            }
            switch (data.consumeInt(0, 3)) {
                case 0 -> op.put("dependsOn", new JsonArray().add(String.valueOf(data.consumeInt(0, 250))));
                case 1 -> op.put("dependsOn", data.consumeString(8));
                case 2 -> op.put("dependsOn", new JsonArray().add(data.consumeInt(0, 250)).add(new JsonObject()));
                default -> { } // depends on nothing
            }
            requests.add(op);
        }
        return new JsonObject().put("requests", requests).toBuffer();
    }
}
