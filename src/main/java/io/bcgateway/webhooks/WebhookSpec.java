package io.bcgateway.webhooks;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.bcgateway.config.ConfigRefusal;
import io.bcgateway.config.WebhooksConfig;
import io.bcgateway.connection.Connection;

/**
 * One webhook's configuration, checked at start: every mistake is a start-up refusal that names the property,
 * because a webhook that cannot subscribe would otherwise fail silently, 3 days later.
 *
 * @param apiPath the API root the subscriptions live under ({@code api/v2.0}, {@code api/pub/grp/v1.0})
 * @param company a company id, or null for every company ({@code (*)})
 * @param entity the entity set watched in each company ({@code customers})
 * @param notificationUrl {@code public-url + /webhooks/<name>}, as registered at BC
 */
public record WebhookSpec(String name, Connection connection, String apiPath, String company, String entity,
        List<URI> deliverTo, String notificationUrl, WebhooksConfig.Webhook settings) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern RESOURCE = Pattern.compile(
            "/?(api(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,63}){1,3})/companies\\((\\*|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-"
                    + "[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\\)/([A-Za-z][A-Za-z0-9]{0,127})");

    /** The subscription resource (as sent to BC) of one company. */
    public String resourceOf(String companyId) {
        return "/" + apiPath + "/companies(" + companyId + ")/" + entity;
    }

    /** Whether subscriptions follow the company list. */
    public boolean everyCompany() {
        return company == null;
    }

    /** Checks {@code name}'s configuration; throws a start-up refusal that names the property at fault. */
    static WebhookSpec of(String name, WebhooksConfig.Webhook w,
            java.util.function.Function<String, Optional<Connection>> connections) {
        String p = "gateway.webhooks." + name + ".";
        if (!NAME.matcher(name).matches()) {
            throw ConfigRefusal.of(p + "*", "'" + name + "' is not a usable webhook name: use lower-case letters,"
                    + " digits and '-' (it is the last segment of the notification URL /webhooks/<name>)");
        }
        Optional<Connection> connection = connections.apply(w.connection());
        if (connection.isEmpty()) {
            throw ConfigRefusal.of(p + "connection", "no connection named '" + w.connection() + "' is configured");
        }
        Matcher r = RESOURCE.matcher(w.resource().strip());
        if (!r.matches()) {
            throw ConfigRefusal.of(p + "resource", "'" + w.resource() + "' is not a webhook resource: use"
                    + " api/v2.0/companies(*)/<entity> (one subscription per company) or a company id in place of *");
        }
        String company = r.group(2).equals("*") ? null : r.group(2).toLowerCase(Locale.ROOT);
        if (w.deliverTo().isEmpty()) {
            throw ConfigRefusal.of(p + "deliver-to", "name at least one URL to deliver changes to");
        }
        List<URI> targets = new ArrayList<>();
        for (String target : w.deliverTo()) {
            URI uri = httpUrl(target.strip());
            if (uri == null) {
                throw ConfigRefusal.of(p + "deliver-to", "'" + target + "' is not an http(s) URL");
            }
            targets.add(uri);
        }
        URI publicUrl = httpUrl(w.publicUrl().strip());
        if (publicUrl == null || publicUrl.getQuery() != null || publicUrl.getFragment() != null) {
            throw ConfigRefusal.of(p + "public-url", "'" + w.publicUrl() + "' is not an http(s) base URL");
        }
        if (publicUrl.getScheme().equals("http") && !loopback(publicUrl.getHost())) {
            throw ConfigRefusal.of(p + "public-url", "must start with https:// (Business Central only calls HTTPS"
                    + " notification URLs; plain http is for loopback tests)");
        }
        if (!(w.renewAt() > 0.1 && w.renewAt() < 0.95)) {
            throw ConfigRefusal.of(p + "renew-at", "must be a fraction of the lifetime between 0.1 and 0.95");
        }
        positive(p + "check-interval", w.checkInterval());
        positive(p + "resync-interval", w.resyncInterval());
        positive(p + "dedup-window", w.dedupWindow());
        positive(p + "delivery-timeout", w.deliveryTimeout());
        positive(p + "lease-ttl", w.leaseTtl());
        if (w.leaseTtl().compareTo(w.checkInterval().multipliedBy(2)) < 0) {
            throw ConfigRefusal.of(p + "lease-ttl", "must be at least twice check-interval (" + w.checkInterval()
                    + "): the owner renews its lease at every check");
        }
        if (w.deliveryAttempts() < 1 || w.deliveryAttempts() > 10) {
            throw ConfigRefusal.of(p + "delivery-attempts", "must be from 1 to 10");
        }
        if (w.deliveryBackoff().isNegative()) {
            throw ConfigRefusal.of(p + "delivery-backoff", "must not be negative");
        }
        if (w.maxNotificationBody() < 4096) {
            throw ConfigRefusal.of(p + "max-notification-body", "must be at least 4096 bytes");
        }
        String base = publicUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return new WebhookSpec(name, connection.get(), r.group(1), company, r.group(3), List.copyOf(targets),
                base + "/webhooks/" + name, w);
    }

    private static void positive(String property, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw ConfigRefusal.of(property, "must be a positive duration");
        }
    }

    private static URI httpUrl(String s) {
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getUserInfo() != null) {
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }
}
