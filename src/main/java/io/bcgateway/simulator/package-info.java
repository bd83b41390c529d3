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
 * </ul>
 *
 * <h2>Control API (no auth, JSON)</h2>
 * <ul>
 *   <li>{@code GET /_sim/stats}, {@code POST /_sim/stats/reset}</li>
 *   <li>{@code GET /_sim/settings}, {@code PUT /_sim/settings} — partial update of tokenLifetimeSeconds, companies,
 *       customersPerCompany, vendorsPerCompany, itemsPerCompany, maxPageSize, seed, latencyMillis, environments;
 *       data-size fields and seed reseed the data.</li>
 *   <li>{@code POST /_sim/tokens/revoke}, {@code PUT /_sim/tokens/reject-all} with {@code {"enabled":true|false}}</li>
 *   <li>{@code POST /_sim/apps} with {@code {tenantId, clientId, clientSecret, roles}}, {@code GET /_sim/apps} (no secrets)</li>
 *   <li>{@code GET /_sim/requests}, {@code POST /_sim/requests/reset} — last 1000 BC and token requests</li>
 *   <li>{@code POST /_sim/reset} — reseed, zero stats, clear the log, stop rejecting tokens</li>
 * </ul>
 */
package io.bcgateway.simulator;
