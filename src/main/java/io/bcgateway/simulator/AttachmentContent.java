package io.bcgateway.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The media endpoint {@code companies({id})/documentAttachments({id})/attachmentContent}: PUT or PATCH streams
 * the body to a temp file with back-pressure (never held in memory) and answers 204; GET streams it back as
 * {@code application/octet-stream} with its Content-Length. PUT on an unknown attachment id creates the
 * attachment, so a test can upload without a preceding POST. bc-facts: BC refuses bodies over 350 MB with 413.
 */
final class AttachmentContent {

    static final long MAX_BODY_BYTES = 350L * 1024 * 1024;

    private final Vertx vertx;
    private final Path dir;
    private final Clock clock;

    AttachmentContent(Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
        try {
            this.dir = Files.createTempDirectory("bc-simulator-attachments-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temp directory for attachment content", e);
        }
    }

    void handle(RoutingContext ctx, EntityStore store, UUID companyId, UUID attachmentId, String correlationId) {
        HttpServerRequest req = ctx.request();
        EntityStore.Company company = store.company(companyId).orElse(null);
        if (company == null) {
            BcApi.fail(ctx, new BcException(404, "Internal_CompanyNotFound", "The company with ID '" + companyId
                    + "' does not exist or you do not have access to it."), correlationId);
            return;
        }
        EntitySet set = company.sets.get("documentAttachments");
        String method = req.method().name();
        Path file = dir.resolve(companyId + "_" + attachmentId + ".bin");
        switch (method) {
            case "GET" -> download(ctx, set, attachmentId, file, correlationId);
            case "PUT", "PATCH" -> upload(ctx, store, set, attachmentId, file, correlationId);
            default -> BcApi.fail(ctx, new BcException(405, "BadRequest_MethodNotAllowed", "'" + method
                    + "' requests for 'attachmentContent' are not allowed."), correlationId);
        }
    }

    private void download(RoutingContext ctx, EntitySet set, UUID id, Path file, String correlationId) {
        if (set.get(id).isEmpty()) {
            BcApi.fail(ctx, set.notFound(id), correlationId);
            return;
        }
        HttpServerResponse resp = ctx.response();
        if (!Files.exists(file)) {
            resp.setStatusCode(204).end();
            return;
        }
        vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
                .onFailure(err -> BcApi.fail(ctx, new BcException(500, "Internal_ServerError", "Cannot read the attachment."), correlationId))
                .onSuccess(f -> f.size().onComplete(size -> {
                    if (size.failed()) {
                        f.close();
                        BcApi.fail(ctx, new BcException(500, "Internal_ServerError", "Cannot read the attachment."), correlationId);
                        return;
                    }
                    resp.setStatusCode(200)
                            .putHeader("Content-Type", "application/octet-stream")
                            .putHeader("Content-Length", String.valueOf(size.result()));
                    f.pipeTo(resp); // back-pressure: file reads pause while the socket is full
                }));
    }

    private void upload(RoutingContext ctx, EntityStore store, EntitySet set, UUID id, Path file, String correlationId) {
        HttpServerRequest req = ctx.request();
        String length = req.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length) > MAX_BODY_BYTES) {
                    BcApi.fail(ctx, new BcException(413, "RequestEntityTooLarge", "The request body is larger than the maximum of "
                            + MAX_BODY_BYTES + " bytes."), correlationId);
                    return;
                }
            } catch (NumberFormatException ignored) {
                // let the transfer decide
            }
        }
        String ifMatch = req.getHeader("If-Match");
        EntitySet.Entity existing = set.get(id).orElse(null);
        if (existing != null && ifMatch != null && !ifMatch.isBlank() && !Etags.matches(ifMatch, existing.etag())) {
            BcApi.fail(ctx, new BcException(409, "Request_EntityChanged", "Another user has already changed the record."), correlationId);
            return;
        }
        // A parent router's BodyHandler may already have consumed the body; then write what it collected.
        boolean preRead = ctx.body().available() || req.isEnded();
        if (!preRead) req.pause(); // nothing may be lost while the temp file is being opened
        Path part = dir.resolve(UUID.randomUUID() + ".part");
        vertx.fileSystem().open(part.toString(), new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
                .onFailure(err -> {
                    if (!preRead) req.resume();
                    BcApi.fail(ctx, new BcException(500, "Internal_ServerError", "Cannot store the attachment."), correlationId);
                })
                .onSuccess((AsyncFile f) -> (preRead ? writePreRead(ctx, f) : req.pipeTo(f))
                        .compose(v -> vertx.fileSystem().move(part.toString(), file.toString(), new CopyOptions().setReplaceExisting(true)))
                        .onSuccess(v -> {
                            long size = sizeOf(file);
                            String now = EntityStore.timestamp(clock.instant());
                            if (set.get(id).isEmpty()) {
                                var data = SeedData.blank(store.model, set.type);
                                data.put("id", id.toString());
                                data.put("fileName", "attachment-" + id + ".bin");
                                data.put("byteSize", (int) Math.min(Integer.MAX_VALUE, size));
                                data.put("lastModifiedDateTime", now);
                                try {
                                    set.insert(id, data, store.nextEtag());
                                } catch (BcException raced) {
                                    // a concurrent upload created it first; fall through to the update below
                                }
                            }
                            EntitySet.Entity e = set.update(id, old -> { }, d -> {
                                d.put("byteSize", (int) Math.min(Integer.MAX_VALUE, size));
                                d.put("lastModifiedDateTime", now);
                                return d;
                            }, store.nextEtag());
                            ctx.response().setStatusCode(204).putHeader("ETag", e.etag()).end();
                        })
                        .onFailure(err -> {
                            vertx.fileSystem().delete(part.toString());
                            if (!ctx.response().ended() && !ctx.response().closed()) {
                                BcApi.fail(ctx, new BcException(500, "Internal_ServerError", "The upload did not complete."), correlationId);
                            }
                        }));
    }

    private static io.vertx.core.Future<Void> writePreRead(RoutingContext ctx, AsyncFile f) {
        io.vertx.core.buffer.Buffer body = ctx.body().buffer();
        return (body == null ? io.vertx.core.Future.<Void>succeededFuture() : f.write(body)).compose(v -> f.close());
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Deletes every stored attachment (on reseed, the attachments they belonged to are gone). */
    void deleteAll() {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(".bin")).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the directory is a temp directory
        }
    }

    void close() {
        deleteAll();
        dir.toFile().delete();
    }
}
