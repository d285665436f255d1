/**
 * Where a request stage plugs in: the chain that runs the configured {@code dev.traffic.stage}
 * stages (RULES, INSPECTION, CREDENTIALS) on every admitted request, and the inline inspector as
 * the INSPECTION stage.
 */
package dev.traffic.proxy.stage;
