package io.bcgateway.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The BC API v2.0 resource tree: companies and their customers, vendors, items and documentAttachments.
 * Synchronous and transport-free, so HTTP requests and {@code $batch} operations run the same code.
 */
final class ODataService {

    private static final Pattern SEGMENT = Pattern.compile("^([A-Za-z$][A-Za-z0-9_$.]*)(?:\\((.*)\\))?$");
    private static final Pattern MAX_PAGE_SIZE = Pattern.compile("(?:odata\\.)?maxpagesize\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);

    private final EdmModel model;
    private final Supplier<EntityStore> store;
    private final SimulatorSettings settings;
    private final Clock clock;
    private final EntityChangeListener changeListener;

    ODataService(EdmModel model, Supplier<EntityStore> store, SimulatorSettings settings, Clock clock, EntityChangeListener changes) {
        this.model = model;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.changeListener = changes;
    }

    /** A parsed resource path segment: name and optional key. */
    record Segment(String name, String key) {
        UUID guidKey() {
            String k = key.startsWith("id=") ? key.substring(3) : key;
            if (!EdmValues.isGuid(k)) {
                throw BcException.badRequest("BadRequest", "The key '" + key + "' of segment '" + name + "' is not a valid GUID.");
            }
            return UUID.fromString(k);
        }
    }

    ODataResponse handle(ODataRequest req, String correlationId) {
        try {
            return dispatch(req);
        } catch (BcException e) {
            return error(e, correlationId);
        }
    }

    static ODataResponse error(BcException e, String correlationId) {
        return ODataResponse.of(e.status, BcErrors.ERROR_CONTENT_TYPE, JsonBuffers.of(BcErrors.json(e.code, e.getMessage(), correlationId)));
    }

    static List<Segment> segments(String rawPath) {
        List<Segment> out = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (raw.isEmpty()) continue;
            String s = decodePath(raw);
            Matcher m = SEGMENT.matcher(s);
            if (!m.matches()) throw BcException.segmentNotFound(s);
            out.add(new Segment(m.group(1), m.group(2)));
        }
        return out;
    }

    /** Percent-decodes a path segment; unlike a query string, '+' in a path is a literal plus. */
    static String decodePath(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw BcException.badRequest("BadRequest", "The request path is not correctly percent-encoded.");
        }
    }

    private ODataResponse dispatch(ODataRequest req) {
        List<Segment> segs = segments(req.path());
        String method = req.method().toUpperCase(Locale.ROOT);
        // bc-facts "Read scale-out": ReadOnly intent reads the replica, and a write under it fails.
        boolean readReplica = "ReadOnly".equalsIgnoreCase(req.headers().get("Data-Access-Intent"));
        if (readReplica && !method.equals("GET")) {
            throw BcException.badRequest("BadRequest", "The operation '" + method + "' is not allowed with "
                    + "Data-Access-Intent ReadOnly: the read-only replica cannot be written to.");
        }
        if (segs.isEmpty()) {
            requireMethod(method, "GET", "the service document");
            return serviceDocument(req);
        }
        Segment first = segs.get(0);
        if (first.name().equals("$metadata") && segs.size() == 1 && first.key() == null) {
            requireMethod(method, "GET", "$metadata");
            return ODataResponse.of(200, "application/xml", Buffer.buffer(model.metadataXml()));
        }
        if (first.name().equals("$batch")) {
            throw BcException.badRequest("BadRequest", "A $batch request cannot be nested inside a $batch request.");
        }
        if (!first.name().equals("companies")) throw BcException.segmentNotFound(first.name());
        EntityStore s = store.get();
        if (first.key() == null) {
            if (segs.size() > 1) throw BcException.segmentNotFound(segs.get(1).name());
            requireMethod(method, "GET", "companies");
            return collection(req, s.companies, "companies");
        }
        UUID companyId = first.guidKey();
        EntityStore.Company company = s.company(companyId).orElseThrow(() -> new BcException(404, "Internal_CompanyNotFound",
                "The company with ID '" + companyId + "' does not exist or you do not have access to it."));
        String companyPath = "companies(" + companyId + ")";
        if (segs.size() == 1) {
            requireMethod(method, "GET", "companies");
            return entity(req, s.companies, company.entity, "companies", 200);
        }
        Segment setSeg = segs.get(1);
        EntitySet primary = req.api() == ODataRequest.Api.STANDARD ? company.sets.get(setSeg.name()) : null;
        if (primary == null) throw BcException.segmentNotFound(setSeg.name());
        EntitySet set = readReplica ? primary.asOf(settings.replicaLagMillis()) : primary;
        String setPath = companyPath + "/" + set.name;
        if (setSeg.key() == null) {
            if (segs.size() > 2) throw BcException.segmentNotFound(segs.get(2).name());
            return switch (method) {
                case "GET" -> collection(req, set, setPath);
                case "POST" -> create(req, s, company, set, setPath);
                default -> throw methodNotAllowed(method, set.name);
            };
        }
        UUID id = setSeg.guidKey();
        if (segs.size() > 2) {
            if (segs.get(2).name().equals("attachmentContent") && set.name.equals("documentAttachments")) {
                throw BcException.badRequest("BadRequest_NotSupported",
                        "Attachment content is streamed on its own URL and cannot be sent inside a $batch request.");
            }
            throw BcException.segmentNotFound(segs.get(2).name());
        }
        return switch (method) {
            case "GET" -> entity(req, set, set.get(id).orElseThrow(() -> set.notFound(id)), setPath, 200);
            case "PATCH" -> patch(req, s, company, set, id, setPath);
            case "DELETE" -> delete(req, company, set, id);
            default -> throw methodNotAllowed(method, set.name);
        };
    }

    private static void requireMethod(String method, String allowed, String what) {
        if (!method.equals(allowed)) throw methodNotAllowed(method, what);
    }

    private static BcException methodNotAllowed(String method, String what) {
        return new BcException(405, "BadRequest_MethodNotAllowed", "'" + method + "' requests for '" + what
                + "' of EdmType 'Entity' are not allowed within Dynamics 365 Business Central OData web services.");
    }

    private ODataResponse serviceDocument(ODataRequest req) {
        Set<String> sets = req.api() == ODataRequest.Api.STANDARD
                ? new java.util.TreeSet<>(EntityStore.COMPANY_SETS.keySet()) : Set.of();
        MetadataLevel level = MetadataLevel.of(req.headers());
        Buffer body = JsonBuffers.write(g -> {
            g.writeStartObject();
            if (level.context()) g.writeStringField("@odata.context", req.apiRoot() + "/$metadata");
            g.writeArrayFieldStart("value");
            writeSetRef(g, "companies");
            for (String name : sets) writeSetRef(g, name);
            g.writeEndArray();
            g.writeEndObject();
        });
        return ODataResponse.of(200, level.contentType(), body);
    }

    private static void writeSetRef(JsonGenerator g, String name) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("kind", "EntitySet");
        g.writeStringField("url", name);
        g.writeEndObject();
    }

    // ---- collections and paging ---------------------------------------------------------------

    private ODataResponse collection(ODataRequest req, EntitySet set, String contextPath) {
        ODataQuery q = ODataQuery.parse(req.rawQuery(), set.type);
        Integer preferred = preferredPageSize(req);
        int pageSize = Math.min(preferred == null ? Integer.MAX_VALUE : preferred, settings.maxPageSize());
        boolean paged = q.top == null; // bc-facts: with $top no nextLink is returned

        List<EntitySet.Entity> page = new ArrayList<>();
        long total = 0;
        boolean more = false;
        int limit = paged ? pageSize : q.top;
        int toSkip = q.skipToken == null ? q.skip : 0;
        Iterator<EntitySet.Entity> source = source(set, q);
        while (source.hasNext()) {
            EntitySet.Entity e = source.next();
            if (!q.filter.test(e.data())) continue;
            total++;
            if (toSkip > 0) {
                toSkip--;
                continue;
            }
            if (page.size() < limit) {
                page.add(e);
            } else {
                more = true;
                if (!q.count) break;
            }
        }
        String nextLink = null;
        if (paged && more && !page.isEmpty()) {
            String kept = q.rawQueryWithoutSkipToken();
            // BC writes keys in parentheses literally, however the caller encoded them
            String path = req.path().replace("%28", "(").replace("%29", ")");
            String root = settings.nextLinkOrigin().map(o -> o + req.apiRoot().replaceFirst("^https?://[^/]+", ""))
                    .orElse(req.apiRoot());
            nextLink = root + "/" + path + "?" + (kept.isEmpty() ? "" : kept + "&")
                    + "$skiptoken=" + page.get(page.size() - 1).id();
        }
        String context = req.apiRoot() + "/$metadata#" + contextPath + selectSuffix(q.select);
        long count = total;
        String next = nextLink;
        MetadataLevel level = MetadataLevel.of(req.headers());
        Buffer body = JsonBuffers.write(g -> {
            g.writeStartObject();
            if (level.context()) g.writeStringField("@odata.context", context);
            if (q.count) g.writeNumberField("@odata.count", count);
            g.writeArrayFieldStart("value");
            for (EntitySet.Entity e : page) {
                g.writeStartObject();
                writeEntityMembers(g, e, q.select, set.type, req.apiRoot() + "/" + contextPath, level);
                g.writeEndObject();
            }
            g.writeEndArray();
            // BC puts the nextLink after the value array
            if (next != null) g.writeStringField("@odata.nextLink", next);
            g.writeEndObject();
        });
        ODataResponse resp = ODataResponse.of(200, level.contentType(), body);
        if (paged && preferred != null && preferred <= settings.maxPageSize()) {
            resp.header("Preference-Applied", "odata.maxpagesize=" + preferred);
        }
        return resp;
    }

    /** Rows in the requested order, starting after the skip token's row. */
    private static Iterator<EntitySet.Entity> source(EntitySet set, ODataQuery q) {
        if (q.orderBy == null) {
            if (q.skipToken == null) return set.all().iterator();
            long seq = set.seqOf(q.skipToken).orElseThrow(() -> invalidSkipToken(q.skipToken));
            return set.after(seq).iterator();
        }
        List<EntitySet.Entity> rows = new ArrayList<>(set.all());
        rows.sort((a, b) -> q.orderBy.compare(a.data(), b.data())); // stable: ties keep primary-key order
        if (q.skipToken != null) {
            int idx = -1;
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).id().equals(q.skipToken)) {
                    idx = i;
                    break;
                }
            }
            if (idx < 0) throw invalidSkipToken(q.skipToken);
            return rows.subList(idx + 1, rows.size()).iterator();
        }
        return rows.iterator();
    }

    private static BcException invalidSkipToken(UUID token) {
        return BcException.badRequest("BadRequest", "The skip token '" + token + "' is not valid.");
    }

    private static Integer preferredPageSize(ODataRequest req) {
        for (String prefer : req.headers().getAll("Prefer")) {
            Matcher m = MAX_PAGE_SIZE.matcher(prefer);
            if (m.find()) {
                try {
                    int n = Integer.parseInt(m.group(1));
                    if (n > 0) return n;
                } catch (NumberFormatException ignored) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String selectSuffix(Set<String> select) {
        return select == null ? "" : "(" + String.join(",", select) + ")";
    }

    /**
     * An entity's members at {@code level} ({@link MetadataLevel}), in the order BC's OData library writes them:
     * type, id, etag, edit link, then each property (after its type where JSON does not tell it), then the
     * navigation and media links. {@code setUrl} is the absolute URL of the entity's set.
     */
    static void writeEntityMembers(JsonGenerator g, EntitySet.Entity e, Set<String> select, EdmModel.EntityType type,
            String setUrl, MetadataLevel level) throws IOException {
        String url = setUrl + "(" + e.id() + ")";
        if (level.full()) {
            g.writeStringField("@odata.type", "#" + type.qualifiedName());
            g.writeStringField("@odata.id", url);
        }
        if (level.etag()) g.writeStringField("@odata.etag", e.etag());
        if (level.full()) g.writeStringField("@odata.editLink", url);
        Iterator<Map.Entry<String, JsonNode>> it = e.data().fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            if (select != null && !select.contains(f.getKey())) continue;
            EdmModel.Property p = type.property(f.getKey());
            if (level.full() && p != null && !f.getValue().isNull()) {
                String annotation = MetadataLevel.typeAnnotation(p);
                if (annotation != null) g.writeStringField(f.getKey() + "@odata.type", annotation);
            }
            g.writeFieldName(f.getKey());
            g.writeTree(f.getValue());
        }
        if (!level.full()) return;
        for (EdmModel.Property p : type.properties().values()) {
            if (p.isStream() && (select == null || select.contains(p.name()))) {
                g.writeStringField(p.name() + "@odata.mediaReadLink", url + "/" + p.name());
                g.writeStringField(p.name() + "@odata.mediaEditLink", url + "/" + p.name());
            }
        }
        if (select == null) {
            for (String nav : type.navigations()) {
                g.writeStringField(nav + "@odata.associationLink", url + "/" + nav + "/$ref");
                g.writeStringField(nav + "@odata.navigationLink", url + "/" + nav);
            }
        }
    }

    // ---- single entities ------------------------------------------------------------------------

    private ODataResponse entity(ODataRequest req, EntitySet set, EntitySet.Entity e, String setPath, int status) {
        ODataQuery q = ODataQuery.parseForEntity(req.rawQuery(), set.type);
        String context = req.apiRoot() + "/$metadata#" + setPath + selectSuffix(q.select) + "/$entity";
        String setUrl = req.apiRoot() + "/" + setPath;
        MetadataLevel level = MetadataLevel.of(req.headers());
        Buffer body = JsonBuffers.write(g -> {
            g.writeStartObject();
            if (level.context()) g.writeStringField("@odata.context", context);
            writeEntityMembers(g, e, q.select, set.type, setUrl, level);
            g.writeEndObject();
        });
        return ODataResponse.of(status, level.contentType(), body).header("ETag", e.etag());
    }

    private ODataResponse create(ODataRequest req, EntityStore s, EntityStore.Company company, EntitySet set, String setPath) {
        ObjectNode changes = EntityBodies.changes(EntityBodies.parseObject(req.body()), set.type, model);
        ObjectNode data = SeedData.blank(model, set.type);
        data.setAll(changes);
        UUID id = UUID.randomUUID();
        if (changes.hasNonNull("id") && !changes.get("id").asText().equals(SeedData.EMPTY_GUID.toString())) {
            id = UUID.fromString(changes.get("id").asText()); // BC lets a client choose the SystemId on insert
        }
        data.put("id", id.toString());
        if (set.type.property("number") != null && data.path("number").asText().isEmpty()) {
            long n = company.nextNumber.computeIfAbsent(set.name, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
            data.put("number", String.valueOf(n * 10000L));
        }
        if (set.type.property("lastModifiedDateTime") != null) {
            data.put("lastModifiedDateTime", EntityStore.timestamp(clock.instant()));
        }
        EntitySet.Entity e = set.insert(id, data, s.nextEtag());
        changeListener.changed(company.id(), set.name, id, "created", lastModified(e));
        return entity(req, set, e, setPath, 201).header("Location", req.apiRoot() + "/" + setPath + "(" + id + ")");
    }

    private ODataResponse patch(ODataRequest req, EntityStore s, EntityStore.Company company, EntitySet set, UUID id, String setPath) {
        if (set.get(id).isEmpty()) throw set.notFound(id);
        ObjectNode changes = EntityBodies.changes(EntityBodies.parseObject(req.body()), set.type, model);
        if (changes.hasNonNull("id") && !changes.get("id").asText().equals(id.toString())) {
            throw BcException.badRequest("BadRequest", "The id of a record cannot be changed.");
        }
        String ifMatch = req.headers().get("If-Match");
        if (ifMatch == null || ifMatch.isBlank()) {
            // bc-facts: PATCH without If-Match is refused with BadRequest_InvalidToken
            throw BcException.badRequest("BadRequest_InvalidToken", "Could not validate the client concurrency token required by the "
                    + "service. Please provide a valid token in the client request.");
        }
        EntitySet.Entity e = set.update(id, old -> checkEtag(ifMatch, old), data -> {
            data.setAll(changes);
            if (set.type.property("lastModifiedDateTime") != null) {
                data.put("lastModifiedDateTime", EntityStore.timestamp(clock.instant()));
            }
            return data;
        }, s.nextEtag());
        changeListener.changed(company.id(), set.name, id, "updated", lastModified(e));
        return entity(req, set, e, setPath, 200);
    }

    private ODataResponse delete(ODataRequest req, EntityStore.Company company, EntitySet set, UUID id) {
        String ifMatch = req.headers().get("If-Match");
        set.delete(id, old -> {
            if (ifMatch != null && !ifMatch.isBlank()) checkEtag(ifMatch, old);
        });
        changeListener.changed(company.id(), set.name, id, "deleted", null);
        return ODataResponse.of(204, null, null);
    }

    private static java.time.Instant lastModified(EntitySet.Entity e) {
        String t = e.data().path("lastModifiedDateTime").asText("");
        return t.isEmpty() ? null : java.time.Instant.parse(t);
    }

    /** bc-facts: a stale ETag gives Request_EntityChanged, documented as 409. */
    static void checkEtag(String ifMatch, EntitySet.Entity current) {
        if (!Etags.matches(ifMatch, current.etag())) {
            throw new BcException(409, "Request_EntityChanged", "Another user has already changed the record.");
        }
    }
}
