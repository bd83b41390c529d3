package io.bcgateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Renders every kustomization under {@code k8s/} with {@code kubectl kustomize} and checks the rendered objects as
 * typed Kubernetes models: hardened security context, the {@code /q/health} probes, resources, the drain period,
 * wiring between objects, and that no Secret carries a real-looking value.
 *
 * <p>Needs {@code kubectl} (or {@code $KUBECTL}) on the PATH; CI installs Debian's {@code kubernetes-client}.
 * Without it the test fails: a skipped check would pass CI with unchecked manifests.
 */
class KustomizeManifestsTest {

    private static final Path K8S = Path.of(System.getProperty("basedir", ".")).resolve("k8s");
    private static final String GATEWAY_IMAGE = "bc-gateway";
    /** Health, metrics and the status page: the management interface's port (quarkus.management.port). */
    private static final int MANAGEMENT_PORT = 9000;
    private static final int GATEWAY_PORT = 8080;
    /** Deliberate placeholders: {@code <client-secret>}, {@code ${CLIENT_SECRET}}, the all-zero GUID, empty. */
    private static final Pattern PLACEHOLDER = Pattern
            .compile("|<[^<>]*>|\\$\\{[A-Za-z0-9_.-]+}|0{8}-0{4}-0{4}-0{4}-0{12}");

    static Stream<String> kustomizations() {
        return Stream.of("base", "overlays/sidecar", "overlays/knative", "overlays/workload-identity", "overlays/redis",
                "overlays/webhooks");
    }

    @Test
    void everyOverlayDirectoryIsChecked() throws IOException {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            Set<String> present = Set.copyOf(dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml")))
                    .map(d -> "overlays/" + d.getFileName()).toList());
            assertEquals(Set.copyOf(kustomizations().filter(k -> k.startsWith("overlays/")).toList()), present);
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void podsAreHardenedProbedAndBounded(String kustomization) {
        List<HasMetadata> objects = render(kustomization);
        Map<String, PodTemplateSpec> pods = podTemplates(objects);
        assertFalse(pods.isEmpty(), kustomization + " renders no workload");
        pods.forEach((workload, template) -> {
            PodSpec pod = template.getSpec();
            String where = kustomization + " " + workload;
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), where + ": API token mounted");
            assertTrue(pod.getHostNetwork() == null || !pod.getHostNetwork(), where + ": host network");
            List<Container> gateways = gatewayContainers(pod);
            assertEquals(1, gateways.size(), where + ": exactly one gateway container");
            for (Container c : allContainers(pod)) {
                assertHardened(where + "/" + c.getName(), pod, c);
                assertBounded(where + "/" + c.getName(), c);
            }
            Container gateway = gateways.get(0);
            assertProbe(where, "startup", gateway, gateway.getStartupProbe(), "/q/health/started");
            assertProbe(where, "liveness", gateway, gateway.getLivenessProbe(), "/q/health/live");
            assertProbe(where, "readiness", gateway, gateway.getReadinessProbe(), "/q/health/ready");
            assertTrue(gateway.getVolumeMounts().stream().anyMatch(m -> "/tmp".equals(m.getMountPath())),
                    where + ": read-only root filesystem needs a writable /tmp");
        });
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void noSecretCarriesARealLookingValue(String kustomization) {
        for (HasMetadata o : render(kustomization)) {
            if (o instanceof Secret secret) {
                Map<String, String> values = new HashMap<>();
                if (secret.getStringData() != null) {
                    values.putAll(secret.getStringData());
                }
                if (secret.getData() != null) {
                    secret.getData().forEach((k, v) -> values.put(k,
                            new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
                }
                values.forEach((key, value) -> realLookingValues(key, value).forEach(bad -> fail(kustomization
                        + ": Secret " + name(o) + " key " + key + " holds a real-looking value for " + bad)));
            }
            if (o instanceof ConfigMap cm && cm.getData() != null) {
                cm.getData().keySet().forEach(key -> assertFalse(key.matches("(?i).*(secret|password).*"),
                        kustomization + ": ConfigMap " + name(o) + " carries " + key + "; secrets go in a Secret"));
            }
        }
    }

    @Test
    void secretDetectorAcceptsPlaceholdersOnly() {
        assertTrue(realLookingValues("k", "<client-secret>").isEmpty());
        assertTrue(realLookingValues("k.properties", "# comment\na.client-secret=<client-secret>\nb=${B}\n").isEmpty());
        assertFalse(realLookingValues("k", "Xy8Q~k2Jq9vLr3pT.aBcDeFgHiJkLmNoPqRsTuVw").isEmpty());
        assertFalse(realLookingValues("k.properties", "a.client-secret=hunter2-but-longer").isEmpty());
        assertFalse(realLookingValues("k", "6a1e5c3b-2f47-4d8e-b1a9-0c3d5e7f9a21").isEmpty());
    }

    @Test
    void baseDeploymentDrainsWithinItsGracePeriodAndIsWiredTogether() {
        List<HasMetadata> objects = render("base");
        Deployment deployment = only(objects, Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        Container gateway = gatewayContainers(pod).get(0);

        long drain = seconds(only(objects, ConfigMap.class).getData().get("QUARKUS_SHUTDOWN_TIMEOUT"));
        long preStop = gateway.getLifecycle().getPreStop().getSleep().getSeconds();
        long grace = pod.getTerminationGracePeriodSeconds();
        assertTrue(grace >= preStop + drain && grace <= preStop + drain + 15,
                "terminationGracePeriodSeconds " + grace + " should be preStop " + preStop + " s + drain " + drain
                        + " s + a small margin");

        Service service = named(objects, Service.class, "bc-gateway");
        assertTrue(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()), "Service selector");
        assertEquals(List.of("http"), service.getSpec().getPorts().stream().map(p -> p.getTargetPort().getStrVal())
                .toList(), "the callers' Service exposes the gateway's port only, not the management port");
        Service management = named(objects, Service.class, "bc-gateway-management");
        assertTrue(podLabels.entrySet().containsAll(management.getSpec().getSelector().entrySet()),
                "management Service selector");
        assertEquals(List.of("management"), management.getSpec().getPorts().stream()
                .map(p -> p.getTargetPort().getStrVal()).toList(), "the management Service");
        assertEquals(List.of(GATEWAY_PORT, MANAGEMENT_PORT), gateway.getPorts().stream()
                .filter(p -> List.of("http", "management").contains(p.getName()))
                .map(p -> p.getContainerPort()).toList(), "container ports http and management");
        PodDisruptionBudget pdb = only(objects, PodDisruptionBudget.class);
        assertTrue(podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()), "PDB");
        assertTrue(deployment.getSpec().getReplicas() > pdb.getSpec().getMinAvailable().getIntVal(),
                "the PDB must leave room to evict a pod");

        HorizontalPodAutoscaler hpa = only(objects, HorizontalPodAutoscaler.class);
        assertEquals(name(deployment), hpa.getSpec().getScaleTargetRef().getName(), "HPA target");
        assertTrue(hpa.getSpec().getMetrics().stream().anyMatch(m -> "Resource".equals(m.getType())
                && "cpu".equals(m.getResource().getName())), "HPA on CPU");
        assertTrue(hpa.getSpec().getMetrics().stream().anyMatch(m -> "Pods".equals(m.getType())
                && "http_server_active_requests".equals(m.getPods().getMetric().getName())), "HPA on a gateway metric");
        // The HPA's gateway metric comes from Prometheus, which scrapes each pod's management interface.
        Map<String, String> scrape = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals("true", scrape.get("prometheus.io/scrape"), "Prometheus scrapes the pods");
        assertEquals(String.valueOf(MANAGEMENT_PORT), scrape.get("prometheus.io/port"), "on the management port");
        assertEquals("/q/metrics", scrape.get("prometheus.io/path"));
        assertManagementPortOnlyForMonitoring(only(objects, NetworkPolicy.class));

        ServiceAccount sa = only(objects, ServiceAccount.class);
        assertEquals(name(sa), pod.getServiceAccountName());
        assertEgressOnlyDnsAndHttps("base", objects, podLabels);
    }

    @Test
    void sidecarRunsTheGatewayOnLoopbackBeforeTheApp() {
        List<HasMetadata> objects = render("overlays/sidecar");
        Deployment app = only(objects, Deployment.class);
        PodSpec pod = app.getSpec().getTemplate().getSpec();
        Container gateway = pod.getInitContainers().stream().filter(KustomizeManifestsTest::isGateway).findFirst()
                .orElseThrow(() -> new AssertionError("the gateway should be a native sidecar (init container)"));
        assertEquals("Always", gateway.getRestartPolicy(), "native sidecar");
        assertTrue(gateway.getEnv().stream().anyMatch(e -> "GATEWAY_CALLER_AUTH_MODES".equals(e.getName())
                && "none".equals(e.getValue())), "caller auth none on loopback");
        assertTrue(pod.getContainers().stream().flatMap(c -> c.getEnv().stream())
                .anyMatch(e -> e.getValue() != null && e.getValue().startsWith("http://127.0.0.1:8080/bc/")),
                "the app calls the gateway on loopback");
        assertEgressOnlyDnsAndHttps("sidecar", objects, app.getSpec().getTemplate().getMetadata().getLabels());
    }

    @Test
    void knativeScalesToZeroOnConcurrency() {
        List<HasMetadata> objects = render("overlays/knative");
        GenericKubernetesResource ksvc = objects.stream().filter(GenericKubernetesResource.class::isInstance)
                .map(GenericKubernetesResource.class::cast).filter(o -> "Service".equals(o.getKind())
                        && o.getApiVersion().startsWith("serving.knative.dev/"))
                .findFirst().orElseThrow(() -> new AssertionError("no Knative Service"));
        Map<String, String> annotations = Serialization.jsonMapper().convertValue(
                ksvc.get("spec", "template", "metadata", "annotations"), Map.class);
        assertEquals("0", annotations.get("autoscaling.knative.dev/min-scale"), "scale to zero");
        assertEquals("concurrency", annotations.get("autoscaling.knative.dev/metric"));
        assertNotNull(annotations.get("autoscaling.knative.dev/target"), "concurrency target");
        assertTrue(objects.stream().noneMatch(Deployment.class::isInstance), "Knative owns the pods");
    }

    @Test
    void workloadIdentityHasNoClientSecret() {
        List<HasMetadata> objects = render("overlays/workload-identity");
        assertTrue(objects.stream().noneMatch(Secret.class::isInstance), "no Secret with workload identity");
        Deployment deployment = only(objects, Deployment.class);
        PodTemplateSpec template = deployment.getSpec().getTemplate();
        assertEquals("true", template.getMetadata().getLabels().get("azure.workload.identity/use"));
        assertTrue(template.getSpec().getVolumes().stream().noneMatch(v -> v.getSecret() != null), "secret volume");
        Container gateway = gatewayContainers(template.getSpec()).get(0);
        assertTrue(gateway.getEnv().stream().noneMatch(e -> e.getName().contains("SECRET")), "secret env");
        assertTrue(gateway.getEnvFrom().stream().noneMatch(e -> e.getSecretRef() != null), "secret envFrom");
        ServiceAccount sa = only(objects, ServiceAccount.class);
        assertNotNull(sa.getMetadata().getAnnotations().get("azure.workload.identity/client-id"));
        assertFalse(only(objects, ConfigMap.class).getData().containsKey("QUARKUS_CONFIG_LOCATIONS"));
    }

    @Test
    void redisOverlaySharesTheQuotaThroughAnExistingRedisReachedOnlyOnItsPort() {
        List<HasMetadata> objects = render("overlays/redis");
        Map<String, String> config = only(objects, ConfigMap.class).getData();
        assertEquals("true", config.get("GATEWAY_CLUSTER_ENABLED"));
        assertTrue(config.get("GATEWAY_CLUSTER_REDIS_HOSTS").matches("rediss?://[a-z0-9.-]+:\\d+"), "an existing Redis Service");
        assertTrue(Integer.parseInt(config.get("GATEWAY_CLUSTER_EXPECTED_REPLICAS")) >= only(objects,
                HorizontalPodAutoscaler.class).getSpec().getMinReplicas(), "the local share assumes the replicas");
        Secret secret = only(objects, Secret.class);
        assertTrue(secret.getStringData().get("redis.properties").contains("gateway.cluster.redis.password="),
                "the password comes from the mounted secret");
        assertTrue(secret.getStringData().containsKey("connections.properties"), "the base secret is kept");
        assertTrue(objects.stream().noneMatch(o -> o instanceof Deployment d && d.getSpec().getTemplate().getSpec()
                .getContainers().stream().anyMatch(c -> c.getEnv().stream().anyMatch(e -> e.getName().contains("REDIS")))),
                "no Redis setting in the pod's environment besides the ConfigMap");
        assertTrue(objects.stream().noneMatch(o -> o instanceof Deployment d && !name(d).equals("bc-gateway")),
                "no home-made Redis deployment");

        Deployment deployment = only(objects, Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        List<NetworkPolicy> policies = objects.stream().filter(NetworkPolicy.class::isInstance)
                .map(NetworkPolicy.class::cast).toList();
        NetworkPolicy redis = policies.stream().filter(np -> name(np).equals("bc-gateway-redis")).findFirst()
                .orElseThrow(() -> new AssertionError("no egress policy for Redis"));
        assertTrue(podLabels.entrySet().containsAll(redis.getSpec().getPodSelector().getMatchLabels().entrySet()),
                "the Redis egress policy selects the gateway's pods");
        assertEquals(List.of("Egress"), redis.getSpec().getPolicyTypes());
        redis.getSpec().getEgress().forEach(rule -> {
            assertEquals(List.of(6379), rule.getPorts().stream().map(pt -> pt.getPort().getIntVal()).toList(),
                    "only Redis's port");
            rule.getTo().forEach(peer -> {
                assertEquals(null, peer.getIpBlock(), "Redis is reached by pod selector, not by address range");
                assertNotNull(peer.getPodSelector(), "only the Redis pods");
            });
        });
        assertEgressOnlyDnsAndHttps("overlays/redis", policies.stream().filter(np -> np != redis)
                .map(HasMetadata.class::cast).toList(), podLabels);
    }

    @Test
    void webhooksOverlayPublishesOnlyTheNotificationEndpointOverTls() {
        List<HasMetadata> objects = render("overlays/webhooks");
        List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> ingresses = objects.stream()
                .filter(io.fabric8.kubernetes.api.model.networking.v1.Ingress.class::isInstance)
                .map(io.fabric8.kubernetes.api.model.networking.v1.Ingress.class::cast).toList();
        assertEquals(1, ingresses.size(), "one Ingress");
        var spec = ingresses.get(0).getSpec();
        assertEquals(null, spec.getDefaultBackend(), "no default backend: nothing else is routed");
        java.util.Set<String> tlsHosts = new java.util.HashSet<>();
        spec.getTls().forEach(t -> tlsHosts.addAll(t.getHosts()));
        spec.getRules().forEach(rule -> {
            assertTrue(tlsHosts.contains(rule.getHost()), rule.getHost() + " is served with TLS");
            rule.getHttp().getPaths().forEach(path -> {
                assertEquals("/webhooks/", path.getPath(), "only /webhooks/ is public");
                assertEquals("Prefix", path.getPathType());
                assertEquals("bc-gateway", path.getBackend().getService().getName());
                assertEquals("http", path.getBackend().getService().getPort().getName(),
                        "the gateway's port, never the management port");
            });
        });
        Map<String, String> config = only(objects, ConfigMap.class).getData();
        String host = spec.getRules().get(0).getHost();
        assertEquals("https://" + host, config.get("GATEWAY_WEBHOOKS_CUSTOMERS_PUBLIC_URL"),
                "BC is given the Ingress's HTTPS address");
        NetworkPolicy webhooks = objects.stream().filter(o -> o instanceof NetworkPolicy
                && name(o).equals("bc-gateway-webhooks")).map(NetworkPolicy.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no policy for the ingress controller"));
        webhooks.getSpec().getIngress().forEach(rule -> assertEquals(List.of(GATEWAY_PORT), rule.getPorts().stream()
                .map(pt -> pt.getPort().getIntVal()).toList(), "the ingress controller reaches the gateway's port only"));
        webhooks.getSpec().getEgress().forEach(rule -> rule.getTo().forEach(peer -> {
            assertEquals(null, peer.getIpBlock(), "deliver-to targets are pods, not address ranges");
            assertNotNull(peer.getPodSelector());
        }));
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void assertHardened(String where, PodSpec pod, Container c) {
        SecurityContext sc = c.getSecurityContext();
        assertNotNull(sc, where + ": no securityContext");
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), where + ": allowPrivilegeEscalation");
        assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem(), where + ": readOnlyRootFilesystem");
        assertTrue(sc.getPrivileged() == null || !sc.getPrivileged(), where + ": privileged");
        assertTrue(sc.getCapabilities() != null && sc.getCapabilities().getDrop().contains("ALL"),
                where + ": capabilities not dropped");
        var podSc = pod.getSecurityContext();
        Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot()
                : podSc == null ? null : podSc.getRunAsNonRoot();
        assertEquals(Boolean.TRUE, nonRoot, where + ": runAsNonRoot");
        Long uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : podSc == null ? null : podSc.getRunAsUser();
        assertTrue(uid == null || uid != 0, where + ": runs as uid 0");
        var seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile()
                : podSc == null ? null : podSc.getSeccompProfile();
        assertTrue(seccomp != null && "RuntimeDefault".equals(seccomp.getType()), where + ": seccomp profile");
    }

    private static void assertBounded(String where, Container c) {
        var r = c.getResources();
        assertNotNull(r, where + ": no resources");
        for (String kind : List.of("cpu", "memory")) {
            Quantity request = r.getRequests() == null ? null : r.getRequests().get(kind);
            assertNotNull(request, where + ": no " + kind + " request");
            Quantity limit = r.getLimits() == null ? null : r.getLimits().get(kind);
            assertNotNull(limit, where + ": no " + kind + " limit");
            assertTrue(Quantity.getAmountInBytes(limit).compareTo(Quantity.getAmountInBytes(request)) >= 0,
                    where + ": " + kind + " limit below request");
        }
    }

    /**
     * An HTTP GET probe of the path on the management port, or (for a gateway on loopback, or where only one
     * container port is allowed) the image's http-get.sh run inside it, whose default port is the management one.
     */
    private static void assertProbe(String where, String kind, Container gateway, Probe probe, String path) {
        assertNotNull(probe, where + ": no " + kind + " probe");
        if (probe.getExec() != null) {
            assertEquals(List.of("http-get.sh", path), probe.getExec().getCommand(), where + ": " + kind + " probe");
            return;
        }
        assertNotNull(probe.getHttpGet(), where + ": " + kind + " probe is neither HTTP nor http-get.sh");
        assertEquals(path, probe.getHttpGet().getPath(), where + ": " + kind + " probe path");
        var port = probe.getHttpGet().getPort();
        int number = port.getStrVal() == null ? port.getIntVal() : gateway.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": " + kind + " probe names no container port " + port))
                .getContainerPort();
        assertEquals(MANAGEMENT_PORT, number, where + ": " + kind + " probe on the management port");
    }

    /**
     * Callers authenticate wherever the gateway listens on the pod network; no authentication only with loopback
     * (the gateway itself refuses to start otherwise, so a manifest that gets this wrong would crash-loop).
     */
    @ParameterizedTest
    @MethodSource("kustomizations")
    void callersAuthenticateUnlessTheGatewayListensOnLoopback(String kustomization) {
        forEachGateway(kustomization, (where, gateway, env) -> {
            String modes = env.getOrDefault("GATEWAY_CALLER_AUTH_MODES", "none");
            String host = env.getOrDefault("QUARKUS_HTTP_HOST", "0.0.0.0");
            if (modes.equals("none")) {
                assertEquals("127.0.0.1", host, where + ": caller auth none needs a loopback listener");
                assertNotNull(gateway.getReadinessProbe().getExec(), where + ": the kubelet cannot reach loopback");
            } else {
                assertTrue(modes.contains("api-key") || modes.contains("jwt"), where + ": modes " + modes);
                assertTrue(env.keySet().stream().anyMatch(k -> k.startsWith("GATEWAY_CALLER_AUTH_CALLERS_")),
                        where + ": no caller configured");
            }
        });
    }

    /**
     * The management interface (health, metrics) listens where its probes look: on the pod network when the kubelet
     * probes it over HTTP, on loopback when the probes run inside the container (and nothing else needs it).
     */
    @ParameterizedTest
    @MethodSource("kustomizations")
    void theManagementInterfaceListensWhereItsProbesLook(String kustomization) {
        forEachGateway(kustomization, (where, gateway, env) -> {
            String host = env.getOrDefault("QUARKUS_MANAGEMENT_HOST", "0.0.0.0");
            if (gateway.getReadinessProbe().getExec() != null) {
                assertEquals("127.0.0.1", host, where + ": probes run inside, the management port need not be open");
            } else {
                assertEquals("0.0.0.0", host, where + ": the kubelet probes the management port over the network");
            }
        });
    }

    /**
     * One Vert.x event loop per CPU the gateway may use: Quarkus' default of two per CPU made every request cost
     * about 2.5x the CPU on one core (docs/benchmarks.md), and a limit raised without the loops wastes the rest.
     */
    @ParameterizedTest
    @MethodSource("kustomizations")
    void theGatewayRunsOneEventLoopPerCpuOfItsLimit(String kustomization) {
        forEachGateway(kustomization, (where, gateway, env) -> {
            Quantity cpu = gateway.getResources().getLimits().get("cpu");
            int cpus = Math.max(1, Quantity.getAmountInBytes(cpu).setScale(0, RoundingMode.CEILING)
                    .intValueExact());
            assertEquals(String.valueOf(cpus), env.get("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE"),
                    where + ": event loops for a CPU limit of " + cpu);
        });
    }

    /** What a check of one gateway container gets: where it is (for messages), the container, its environment. */
    private interface GatewayCheck {
        void check(String where, Container gateway, Map<String, String> env);
    }

    /** Runs {@code check} on the gateway container of every workload the kustomization renders. */
    private static void forEachGateway(String kustomization, GatewayCheck check) {
        List<HasMetadata> objects = render(kustomization);
        podTemplates(objects).forEach((workload, template) -> {
            Container gateway = gatewayContainers(template.getSpec()).get(0);
            check.check(kustomization + " " + workload, gateway, effectiveEnv(objects, gateway));
        });
    }

    /** The container's environment as the kubelet builds it: ConfigMaps from envFrom, then env entries. */
    private static Map<String, String> effectiveEnv(List<HasMetadata> objects, Container container) {
        Map<String, String> env = new HashMap<>();
        if (container.getEnvFrom() != null) {
            for (var from : container.getEnvFrom()) {
                if (from.getConfigMapRef() != null) {
                    objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                            .filter(cm -> cm.getMetadata().getName().equals(from.getConfigMapRef().getName()))
                            .forEach(cm -> env.putAll(cm.getData()));
                }
            }
        }
        if (container.getEnv() != null) {
            container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        }
        return env;
    }

    /** Callers reach the gateway's port and never the management port; monitoring reaches the management port. */
    private static void assertManagementPortOnlyForMonitoring(NetworkPolicy np) {
        boolean monitoring = false;
        for (var rule : np.getSpec().getIngress()) {
            List<Integer> ports = rule.getPorts().stream().map(p -> p.getPort().getIntVal()).toList();
            assertFalse(rule.getPorts().isEmpty(), "an ingress rule without ports opens the management port too");
            if (ports.contains(MANAGEMENT_PORT)) {
                assertEquals(List.of(MANAGEMENT_PORT), ports, "the management port shares a rule with " + ports);
                assertTrue(rule.getFrom().stream().allMatch(peer -> peer.getPodSelector() != null && "true".equals(
                        peer.getPodSelector().getMatchLabels().get("bc-gateway.io/monitoring"))),
                        "the management port is open to monitoring pods only");
                monitoring = true;
            }
        }
        assertTrue(monitoring, "Prometheus can reach the management port");
    }

    private static void assertEgressOnlyDnsAndHttps(String where, List<HasMetadata> objects,
            Map<String, String> podLabels) {
        List<NetworkPolicy> policies = objects.stream().filter(NetworkPolicy.class::isInstance)
                .map(NetworkPolicy.class::cast).filter(np -> podLabels.entrySet()
                        .containsAll(np.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .toList();
        assertEquals(1, policies.size(), where + ": one NetworkPolicy selects the pod");
        NetworkPolicy np = policies.get(0);
        assertTrue(np.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress")), where + ": policy types");
        List<Integer> ports = np.getSpec().getEgress().stream().flatMap(e -> e.getPorts().stream())
                .map(NetworkPolicyPort::getPort).map(p -> p.getIntVal()).distinct().sorted().toList();
        assertEquals(List.of(53, 443), ports, where + ": egress other than DNS and HTTPS");
        np.getSpec().getEgress().stream().flatMap(e -> e.getTo().stream()).filter(p -> p.getIpBlock() != null)
                .forEach(p -> assertTrue(p.getIpBlock().getExcept().contains("169.254.0.0/16"),
                        where + ": cloud metadata endpoint reachable"));
    }

    /** What in a Secret value looks real: a whole value, or each value of a {@code .properties} file. */
    static List<String> realLookingValues(String key, String value) {
        List<String> bad = new ArrayList<>();
        if (key.endsWith(".properties")) {
            Properties p = new Properties();
            try {
                p.load(new StringReader(value));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            p.stringPropertyNames().stream().filter(k -> !PLACEHOLDER.matcher(p.getProperty(k).trim()).matches())
                    .forEach(bad::add);
        } else if (!PLACEHOLDER.matcher(value.trim()).matches()) {
            bad.add(key);
        }
        return bad;
    }

    private static Map<String, PodTemplateSpec> podTemplates(List<HasMetadata> objects) {
        Map<String, PodTemplateSpec> pods = new HashMap<>();
        for (HasMetadata o : objects) {
            if (o instanceof Deployment d) {
                pods.put("Deployment " + name(d), d.getSpec().getTemplate());
            } else if (o instanceof GenericKubernetesResource g && "Service".equals(g.getKind())
                    && g.getApiVersion().startsWith("serving.knative.dev/")) {
                pods.put("Knative Service " + name(g), Serialization.jsonMapper()
                        .convertValue(g.get("spec", "template"), PodTemplateSpec.class));
            }
        }
        return pods;
    }

    private static List<Container> allContainers(PodSpec pod) {
        return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList();
    }

    private static List<Container> gatewayContainers(PodSpec pod) {
        return allContainers(pod).stream().filter(KustomizeManifestsTest::isGateway).toList();
    }

    private static boolean isGateway(Container c) {
        String image = Objects.requireNonNullElse(c.getImage(), "");
        return image.equals(GATEWAY_IMAGE) || image.contains("/" + GATEWAY_IMAGE + ":")
                || image.startsWith(GATEWAY_IMAGE + ":");
    }

    private static long seconds(String duration) {
        assertNotNull(duration, "QUARKUS_SHUTDOWN_TIMEOUT is not set");
        assertTrue(duration.matches("\\d+s"), "expected whole seconds, got " + duration);
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), "expected one " + type.getSimpleName());
        return found.get(0);
    }

    private static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast).filter(o -> name.equals(name(o)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    private static String name(HasMetadata o) {
        return o.getMetadata().getName();
    }

    // ---------------------------------------------------------------------------------------------------------

    private static final Map<String, List<HasMetadata>> RENDERED = new HashMap<>();

    /** {@code kubectl kustomize k8s/<dir>}, each YAML document parsed into its typed model. */
    static synchronized List<HasMetadata> render(String kustomization) {
        return RENDERED.computeIfAbsent(kustomization, KustomizeManifestsTest::kustomize);
    }

    private static List<HasMetadata> kustomize(String kustomization) {
        String kubectl = Objects.requireNonNullElse(System.getenv("KUBECTL"), "kubectl");
        Path dir = K8S.resolve(kustomization);
        String yaml;
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                    .redirectError(err.toFile()).start();
            yaml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("kubectl kustomize " + dir + " did not finish within 60 s");
            }
            String stderr = Files.readString(err);
            Files.delete(err);
            if (p.exitValue() != 0) {
                fail("kubectl kustomize " + dir + " failed (" + p.exitValue() + "):\n" + stderr);
            }
        } catch (IOException e) {
            throw new AssertionError("Cannot run '" + kubectl + "': this test renders k8s/ with kubectl kustomize. "
                    + "Install it (Debian: apt-get install kubernetes-client) or set KUBECTL to its path.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        List<HasMetadata> objects = new ArrayList<>();
        // Older kustomize leaves an empty document where a patch deleted an object.
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (!doc.isBlank() && !doc.strip().equals("{}")) {
                objects.add(Serialization.unmarshal(doc));
            }
        }
        assertFalse(objects.isEmpty(), "kubectl kustomize " + dir + " rendered nothing");
        return objects;
    }
}
