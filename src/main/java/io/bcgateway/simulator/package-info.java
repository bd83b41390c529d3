/**
 * Embedded Business Central API v2.0 and Entra ID simulator: a plain Vert.x-Web router (no CDI) that runs
 * inside the gateway's Quarkus app (mounted as a sub-router) or standalone ({@link io.bcgateway.simulator.SimulatorMain}).
 *
 * <h2>URLs, relative to the mount point</h2>
 * <ul>
 *   <li>{@code POST /{tenantId}/oauth2/v2.0/token} — client credentials; secret in the form or HTTP Basic.</li>
 *   <li>{@code /v2.0/{env}/api/v2.0/...}, {@code /v2.0/{tenantId}/{env}/api/v2.0/...}, {@code /BC/api/v2.0/...} —
 *       {@code companies}, {@code companies({id})/customers|vendors|items|documentAttachments}, {@code $metadata}, {@code $batch}.</li>
 *   <li>{@code companies({id})/documentAttachments({id})/attachmentContent} — streamed media: PUT/PATCH (204), GET (octet-stream).</li>
 *   <li>{@code /v2.0/{env}/api/microsoft/automation/v2.0/companies} — automation API, companies only.</li>
 *   <li>{@code /v2.0/{env}/api/{publisher}/{group}/{version}/...} — a custom API ({@code version} {@code vN.M} or
 *       {@code beta}), served as pages over the same tables as API v2.0.</li>
 *   <li>{@code .../subscriptions}, {@code .../subscriptions('{id}')} on API v2.0 and custom APIs — webhook
 *       subscriptions: POST (validation handshake {@code POST notificationUrl?validationToken=..}, 200 with the token
 *       within webhookHandshakeTimeoutMillis, else 400), GET (the caller's own), PATCH with If-Match (renewal, handshake
 *       again; 400 without If-Match, 412 stale), DELETE. Resources {@code companies({id})/customers|vendors|items}.
 *       Changes are POSTed to notificationUrl webhookDelayMillis after the first one, batched per URL; more than
 *       webhookCollectionThreshold of one subscription become a {@code collection} ({@code $filter} on
 *       {@code lastDateTimeModified}, an alias of lastModifiedDateTime). 408/429/5xx/no answer: retried per
 *       webhookRetryScheduleMillis; any other status deletes the subscription. Details: docs/simulator.md.</li>
 * </ul>
 *
 * <h2>Control API (no auth, JSON)</h2>
 * <ul>
 *   <li>{@code GET /_sim/stats}, {@code POST /_sim/stats/reset}</li>
 *   <li>{@code GET /_sim/settings}, {@code PUT /_sim/settings} — partial update of tokenLifetimeSeconds, companies,
 *       customersPerCompany, vendorsPerCompany, itemsPerCompany, maxPageSize, seed, latencyMillis, environments;
 *       data-size fields and seed reseed the data. Limits (per principal = token client id, defaults are BC's):
 *       rateLimitRequests (6000) per rateWindowMillis (300000, sliding, simulator clock), maxRunning (5),
 *       maxQueued (95), maxConnections (read-only, running + queued), queueTimeoutMillis (480000),
 *       retryAfterOn503Seconds (5), retryAfterOn429 ("off" or seconds). Faults: latencyJitterMillis, faultRate,
 *       faultStatuses ([500,502,503,504]), faultsAfterExecution (false), resetMidBodyRate, tokenEndpointMode
 *       (normal|down|slow|throttled), tokenEndpointDelayMillis (5000), replicaLagMillis (0: how far the read replica
 *       lags the primary; a GET with {@code Data-Access-Intent: ReadOnly} sees the entity sets as they were that long
 *       ago, from the last 1000 changes per set; a write with ReadOnly intent is refused with 400).</li>
 *   <li>{@code GET /_sim/limits} — per principal: running, queued, admitted within the rate window</li>
 *   <li>{@code POST /_sim/faults/force} with {@code {"status":503,"count":3}} — the next N admitted BC requests
 *       answer that status; with {@code {"drop":"after-execution","count":1}} the next N admitted BC requests run
 *       and then the connection closes without an answer (the client cannot know whether its write happened);
 *       {@code GET /_sim/faults}; {@code POST /_sim/faults/reset} clears forces, drops and fault knobs</li>
 *   <li>{@code POST /_sim/tokens/revoke}, {@code PUT /_sim/tokens/reject-all} with {@code {"enabled":true|false}}</li>
 *   <li>{@code POST /_sim/apps} with {@code {tenantId, clientId, clientSecret, roles}}, {@code GET /_sim/apps} (no secrets)</li>
 *   <li>{@code POST /_sim/apis} with {@code {tenantId, appIdUri, grants: {clientId: [roles]}}}: another API of the tenant
 *       (the gateway's own, for callers' tokens)</li>
 *   <li>{@code POST /_sim/tokens/sign} with any claims: a token signed with the simulator's key (validator tests)</li>
 *   <li>{@code GET /_sim/requests}, {@code POST /_sim/requests/reset} — last 1000 BC and token requests</li>
 *   <li>{@code GET /_sim/webhooks/subscriptions} (all principals), {@code DELETE /_sim/webhooks/subscriptions/{id}}
 *       (BC deletes one on its own), {@code GET /_sim/webhooks/deliveries} (last 1000 handshakes and notification
 *       attempts with status and outcome), {@code POST /_sim/webhooks/deliveries/reset}, {@code GET /_sim/webhooks/pending},
 *       {@code POST /_sim/webhooks/flush} (send every pending batch now, answer when answered: {@code {"sent":n}}),
 *       {@code POST /_sim/webhooks/retry} (next attempt of every waiting retry now: {@code {"retried":n}}). Settings
 *       webhookDelayMillis (30000), webhookCollectionThreshold (1000), subscriptionLifetimeSeconds (259200, simulator
 *       clock), webhookHandshakeTimeoutMillis (5000), webhookDeliveryTimeoutMillis (30000), webhookRetryScheduleMillis
 *       (ten waits over 35.85 h).</li>
 *   <li>{@code POST /_sim/reset} — reseed, zero stats, clear the log, stop rejecting tokens, empty the rate windows,
 *       clear forced faults and switch the fault knobs off (limit and webhook settings are kept), delete every webhook
 *       subscription, pending notification, retry and logged delivery</li>
 * </ul>
 *
 * <h2>Order of checks on a BC request</h2>
 * URL shape, token (401), environment (404), then the principal's limits ({@code PrincipalLimiter}:
 * rate window 429, connections 429, queue, queue timeout 503), then injected faults
 * ({@code FaultInjector}), then the operation and the latency. A 429 or 503 never executes the
 * request (bc-facts: replaying it is safe); an injected 500/502/504 executes first only with faultsAfterExecution.
 * Stats: bc429 and bc503 count every such answer whatever its cause, bcFaults the injected ones, bcExecuted the
 * operations run against the data, bcResets the mid-body resets, bcMaxRunningByClient / bcMaxQueuedByClient the maxima.
 */
package io.bcgateway.simulator;
